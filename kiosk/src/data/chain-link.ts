import type { ChainLinkView } from '../../../server/protocol/chain-link.js';
import { type ApiAuth, call } from './http.js';

export type { ChainLinkStatus, ChainLinkView } from '../../../server/protocol/chain-link.js';

/** A chain store's link to head office (a single shop: always online, nothing waiting). */
export function fetchChainLink(auth: ApiAuth): Promise<ChainLinkView> {
  return call<ChainLinkView>(auth, 'GET', '/api/chain/link');
}

import type { ChainLinkView, StoreLinkView } from '../../../server/protocol/chain-link.js';
import { type ApiAuth, call } from './http.js';

export type { ChainLinkStatus, ChainLinkView, StoreLinkView } from '../../../server/protocol/chain-link.js';

/** A chain store's link to head office (a single shop: always online, nothing waiting). */
export function fetchChainLink(auth: ApiAuth): Promise<ChainLinkView> {
  return call<ChainLinkView>(auth, 'GET', '/api/chain/link');
}

/** Each store's link to head office as it last reported it (head office's page). */
export function storeLinks(auth: ApiAuth): Promise<StoreLinkView[]> {
  return call<StoreLinkView[]>(auth, 'GET', '/api/chain/stores');
}

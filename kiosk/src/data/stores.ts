import type { StoreList } from '../../../server/protocol/stores.js';
import { type ApiAuth, call } from './http.js';

export type { ChainStore, StoreList } from '../../../server/protocol/stores.js';

/** One answer per sign-in: the chain's stores do not change while the admin page is open. */
const lists = new Map<string | null, Promise<StoreList>>();

/** The chain's stores and what this sign-in may do across them (a single shop: `chain: false`). */
export function storeList(auth: ApiAuth): Promise<StoreList> {
  const known = lists.get(auth.token);
  if (known) return known;
  const asked = call<StoreList>(auth, 'GET', '/api/stores');
  lists.set(auth.token, asked);
  asked.catch(() => lists.delete(auth.token));
  return asked;
}

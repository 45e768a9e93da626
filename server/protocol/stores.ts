/** The stores of a chain as the admin page sees them (a single shop: itself alone). */

export interface ChainStore {
  /** What a promotion's `conditions.stores` names. */
  id: string;
  code: string;
  name: string;
  /** The chain's first store, which keeps the catalogue. */
  headOffice: boolean;
}

/** `GET /api/stores`. */
export interface StoreList {
  /** Several stores share this database: the admin page shows the chain's screens. */
  chain: boolean;
  /** This server's store code. */
  store: string;
  /** The signed-in staff member manages the catalogue, list prices, chain promotions and tiers. */
  headOffice: boolean;
  /** The signed-in staff member reads every store's reports (owners and chain-wide staff). */
  allStores: boolean;
  items: ChainStore[];
}

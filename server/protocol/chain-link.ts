/** A chain store's link to head office (`GET /api/chain/link`, event `chain.link`). */
export interface ChainLinkStatus {
  /** `offline`: head office cannot be reached and the store sells from its local copy (离线收银). */
  mode: 'online' | 'offline';
  /** Sales and sign-ups made offline that head office does not have yet. */
  waiting: number;
  /** Offline rows head office refused (a coupon used twice, …): a manager must look at them. */
  held: number;
  /** The last time head office answered (ISO), null: not since this server started. */
  lastContact: string | null;
  /** When the local copy was last taken from head office; null: never (the store cannot sell offline). */
  copiedAt: string | null;
}

/** An offline row head office refused: a sale (with its receipt number) or a sign-up, and why. */
export interface HeldRow {
  kind: string;
  id: string;
  at: string;
  number: string | null;
  /** The single-use coupon another store used meanwhile, when that was why (listed for a manager). */
  coupon: string | null;
  /** Head office's words (English, for the log and integrators; the page says it in the shop's words). */
  why: string;
}

/** `GET /api/chain/link`: the status and the offline rows held for a manager. */
export interface ChainLinkView extends ChainLinkStatus {
  heldRows: HeldRow[];
}

/** `GET /api/chain/stores`: each store's link as it last reported it to head office. */
export interface StoreLinkView {
  storeId: string;
  code: string;
  name: string;
  /** Null: the store never reported (a single shop, or a store before this version). */
  mode: ChainLinkStatus['mode'] | null;
  waiting: number;
  held: number;
  copiedAt: string | null;
  /** The store's last report: when head office last heard from it. */
  lastContact: string | null;
  /**
   * No report for longer than a store that can reach head office leaves it (`STORE_SILENT_MS`):
   * its line or the store server is down, and it sells offline if it runs.
   */
  silent: boolean;
  /** The rows head office refused, for a manager (the store's own list, as last reported). */
  heldRows: HeldRow[];
}

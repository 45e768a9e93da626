import type { Config } from './config/schema.js';
import type { EventBus } from './events/bus.js';
import type { Logger } from './logging.js';
import type { ChainLinkStatus } from './protocol/chain-link.js';
import type { Storage } from './storage/database.js';

/** The shop this server runs. */
export interface Store {
  id: string;
  code: string;
  name: string;
  currency: string;
  timeZone: string;
  address: string | null;
  /**
   * The store whose id the chain's catalogue (styles, SKUs, categories, colours, sizes,
   * prices) is kept under: the chain's first store, head office. A single shop: itself.
   */
  catalogId: string;
}

/** A chain store's link to head office, as the rest of the server sees it (`domain/chain-link/link.ts`). */
export interface StoreLink {
  start(): void;
  stop(): Promise<void>;
  status(): Promise<ChainLinkStatus>;
  /** The local copy sold from while head office is out of reach, once opened. */
  readonly localCopy: Storage | null;
}

/** Everything a domain service needs, made once at start-up and handed down. */
export interface AppContext {
  /**
   * The database this server works on. A chain store's `link` swaps it for the store's local
   * copy while head office is out of reach: read it when needed, never keep it.
   */
  storage: Storage;
  /** A chain store's link to head office (absent in a single shop). */
  link?: StoreLink;
  config: Config;
  store: Store;
  bus: EventBus;
  log: Logger;
  /** The time now; tests move it. */
  now: () => Date;
  /**
   * Head office taking what a chain store did offline: the store's own audit rows come with its
   * queue (by id, dated when written), so the replay writes none of its own (`chain-link/sync.ts`).
   */
  auditedAtStore?: boolean;
  version: string;
  /** The data folder (absolute): config.json, the database, photos/. */
  dataDir: string;
}

import { join, resolve } from 'node:path';
import { loadConfig } from './config/load.js';
import type { Config } from './config/schema.js';
import type { AppContext, Store } from './context.js';
import { ChainLink, LINK_TIMES, type LinkTimes } from './domain/chain-link/link.js';
import { startOffline } from './domain/chain-link/start-offline.js';
import { ensureOwner } from './domain/staff/service.js';
import { EventBus } from './events/bus.js';
import { newId } from './ids.js';
import type { Logger } from './logging.js';
import {
  DatabaseOpenError,
  openPostgres,
  openSqlite,
  STORE_LIMITS,
  type Storage,
} from './storage/database.js';
import { MIGRATIONS } from './storage/migrations/index.js';
import { migrate } from './storage/migrator.js';
import { loadWalBatch } from './storage/wal-batch/wal-batch.js';
import { VERSION } from './version.js';

export class StartupError extends Error {
  override name = 'StartupError';
}

export interface BootOptions {
  dataDir: string;
  log: Logger;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
}

export interface Booted {
  ctx: AppContext;
  /** Set only on the first start when no owner password was given: print it once. */
  generatedOwnerPassword: string | null;
}

/** Reads the config, opens and migrates the database, and makes sure the store and its owner exist. */
export async function boot(options: BootOptions): Promise<Booted> {
  const env = options.env ?? process.env;
  const now = options.now ?? (() => new Date());
  const dataDir = resolve(options.dataDir);
  const { config } = await loadConfig(dataDir, env);
  const ownerPassword = env.HANGER_OWNER_PASSWORD;
  if (ownerPassword !== undefined && (ownerPassword.length < 8 || ownerPassword.length > 128)) {
    throw new StartupError('HANGER_OWNER_PASSWORD must be 8 to 128 characters long.');
  }
  const context = contextOf(options, config, dataDir, now);
  const databaseUrl = env.HANGER_DATABASE_URL;
  const offlineAllowed = databaseUrl !== undefined && env.HANGER_OFFLINE !== 'off';
  let storage: Storage;
  try {
    storage = databaseUrl
      ? await openPostgres(databaseUrl, { limits: STORE_LIMITS })
      : openSqlite(join(dataDir, config.database.file));
  } catch (error) {
    if (!(error instanceof DatabaseOpenError) || !databaseUrl || !offlineAllowed) throw error;
    const offline = await startOffline(dataDir, config, databaseUrl, now);
    if (!offline) throw error;
    options.log.warn(
      { why: error.message, copiedAt: offline.copied },
      'head office does not answer at start: selling from the local copy',
    );
    const ctx = context(offline.local, offline.store);
    ctx.link = new ChainLink(ctx, offline.chain, databaseUrl, linkTimes(env), offline);
    return { ctx, generatedOwnerPassword: null };
  }
  try {
    const applied = await migrate(storage, MIGRATIONS, now);
    if (applied.length > 0) options.log.info({ applied }, 'database migrated');
    const analysing = Date.now();
    storage.optimize(true);
    if (Date.now() - analysing > 1000)
      options.log.info({ ms: Date.now() - analysing }, 'database statistics brought up to date');
    const batch = loadWalBatch();
    if (storage.engine === 'sqlite' && !batch.loaded)
      options.log.info(
        { why: batch.why },
        'each commit is written to the WAL as SQLite writes it, page by page',
      );
    const store = await ensureStore(storage, config, now);
    storage.serializeWrites();
    const ctx = context(storage, store);
    // `HANGER_OFFLINE=off`: a chain store that refuses (503) rather than sells offline.
    if (databaseUrl && offlineAllowed) {
      ctx.link = new ChainLink(ctx, storage, databaseUrl, linkTimes(env));
    }
    const owner = await ensureOwner(ctx, ownerPassword);
    return { ctx, generatedOwnerPassword: owner.generatedPassword };
  } catch (error) {
    await storage.close();
    throw error;
  }
}

/** Everything a domain service needs, on `storage`. */
function contextOf(options: BootOptions, config: Config, dataDir: string, now: () => Date) {
  return (storage: Storage, store: Store): AppContext => ({
    storage,
    config,
    store,
    bus: new EventBus(now),
    log: options.log,
    now,
    version: VERSION,
    dataDir,
  });
}

/** The link's times; `HANGER_LINK_REFRESH_SECONDS` sets how often the local copy is taken (30 s). */
function linkTimes(env: NodeJS.ProcessEnv): LinkTimes {
  const refresh = Number(env.HANGER_LINK_REFRESH_SECONDS);
  if (env.HANGER_LINK_REFRESH_SECONDS === undefined) return LINK_TIMES;
  if (!Number.isFinite(refresh) || refresh < 1 || refresh > 86_400) {
    throw new StartupError('HANGER_LINK_REFRESH_SECONDS must be a number of seconds from 1 to 86400.');
  }
  return { ...LINK_TIMES, refreshMs: refresh * 1000 };
}

/**
 * Finds this server's store by the code in config.json, or records it. A single shop's SQLite
 * database holds one store; a chain's PostgreSQL database holds every store, and a new store
 * server joins the chain by starting with a code of its own.
 */
async function ensureStore(storage: Storage, config: Config, now: () => Date): Promise<Store> {
  const stores = await storage.db
    .selectFrom('stores')
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const mine = stores.find((store) => store.code === config.store.code);
  if (!mine && stores.length > 0 && storage.engine === 'sqlite') {
    throw new StartupError(
      `config.json names store ${config.store.code}, but this database holds store(s) ${stores.map((s) => s.code).join(', ')}. ` +
        'Put the right store code back in config.json.',
    );
  }
  const id = mine?.id ?? newId();
  const address = config.store.address ?? mine?.address ?? null;
  await storage.write(async (trx) => {
    if (mine) {
      await trx
        .updateTable('stores')
        .set({ name: config.store.name, currency: config.currency, time_zone: config.timeZone, address })
        .where('id', '=', id)
        .execute();
    } else {
      await trx
        .insertInto('stores')
        .values({
          id,
          code: config.store.code,
          name: config.store.name,
          currency: config.currency,
          time_zone: config.timeZone,
          address,
          created_at: now().toISOString(),
        })
        .execute();
    }
  });
  return {
    id,
    code: config.store.code,
    name: config.store.name,
    currency: config.currency,
    timeZone: config.timeZone,
    address,
    // Head office, the chain's first store, keeps the one catalogue every store sells from.
    catalogId: stores[0]?.id ?? id,
  };
}

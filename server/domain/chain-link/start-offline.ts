import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../config/schema.js';
import type { Store } from '../../context.js';
import { openPostgres, STORE_LIMITS, type Storage } from '../../storage/database.js';
import { copiedAt, forgetSnapshot, LOCAL_COPY_FILE, openLocalCopy } from './local-copy.js';

/** A chain store starting while head office does not answer: its local copy and head office, unopened. */
export interface OfflineStart {
  local: Storage;
  copied: string;
  chain: Storage;
  store: Store;
}

/**
 * The store server starts on its local copy when head office does not answer at start and the
 * store has sold from head office before (a copy was taken): the tills sell offline at once and
 * the link switches to head office when it answers. Null when there is no copy to sell from
 * (a new store must reach head office once).
 */
export async function startOffline(
  dataDir: string,
  config: Config,
  url: string,
  now: () => Date,
): Promise<OfflineStart | null> {
  if (!existsSync(join(dataDir, LOCAL_COPY_FILE))) return null;
  const local = await openLocalCopy(dataDir, now);
  const copied = await copiedAt(local);
  const stores = await local.db
    .selectFrom('stores')
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const mine = stores.find((store) => store.code === config.store.code);
  if (!copied || !mine) {
    await local.close();
    return null;
  }
  await forgetSnapshot(local);
  const chain = await openPostgres(url, { limits: STORE_LIMITS, unchecked: true });
  chain.serializeWrites();
  const store: Store = {
    id: mine.id,
    code: mine.code,
    name: config.store.name,
    currency: config.currency,
    timeZone: config.timeZone,
    address: config.store.address ?? mine.address,
    catalogId: stores[0]?.id ?? mine.id,
  };
  return { local, copied, chain, store };
}

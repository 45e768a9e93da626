import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, ownerToken, TestSocket } from '../testing/client.js';
import { startTestStore, type TestStore } from '../testing/harness.js';
import { seedShop, tableCounts } from '../testing/proofs.js';
import { testEngine } from '../testing/test-database.js';

let store: TestStore;
let owner: string;
let memberId: string;
let skuIds: string[];
let barcodes: string[];
beforeAll(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
  ({ memberId, skuIds, barcodes } = await seedShop(store, owner));
});
afterAll(() => store.close());

const sqlite = () => {
  const handle = store.ctx.storage.sqlite;
  if (!handle) throw new Error('SQLite only');
  return handle;
};

/**
 * A database that turns read-only or a disk that fills up while the server runs. Root
 * ignores file modes, so the faults are made inside SQLite itself: `query_only` fails every
 * write with SQLITE_READONLY, `max_page_count` at the current size fails growth with
 * SQLITE_FULL — the same errors a read-only mount or a full disk raise.
 */
// Faults of SQLite's file on the server's own disk; PostgreSQL's are its server's.
describe.skipIf(testEngine === 'postgres')('storage faults while serving', () => {
  const bigStyle = (code: string) => ({
    styleCode: code,
    name: '大码连衣裙'.repeat(10),
    category: '女装/连衣裙',
    price: 19900,
    colors: Array.from({ length: 12 }, (_, i) => `色${i}`),
    sizes: ['XS', 'S', 'M', 'L', 'XL', 'XXL', 'XXXL'],
  });

  it('read-only: a write is a 503 storage_unavailable saying so; nothing is half-written; reads go on', async () => {
    expect((await call(store, 'POST', '/api/stocktakes', { token: owner, body: {} })).status).toBe(201);
    const before = await tableCounts(store.ctx);
    sqlite().pragma('query_only = ON');
    try {
      const write = await call(store, 'POST', '/api/products', { token: owner, body: bigStyle('RO1') });
      expect(write.status).toBe(503);
      expect(write.body.error).toMatchObject({ code: 'storage_unavailable' });
      expect(write.body.error.message).toMatch(/read-only.*nothing was saved/);
      expect(write.headers.get('retry-after')).toBe('30');
      const read = await call(store, 'GET', `/api/members/${memberId}`, { token: owner });
      expect(read.status).toBe(200);
      const { socket } = await TestSocket.open(store, owner);
      const scan = await socket.request('stocktake/scan', { barcode: barcodes[0] });
      expect(scan).toMatchObject({ success: false, error: { code: 'storage_unavailable' } });
      socket.close();
    } finally {
      sqlite().pragma('query_only = OFF');
    }
    expect(await tableCounts(store.ctx)).toEqual(before);
    const again = await call(store, 'POST', '/api/products', { token: owner, body: bigStyle('RO1') });
    expect(again.status).toBe(201);
  });

  it('disk full: a large action fails as a whole with 503, the next one after space is freed succeeds', async () => {
    sqlite().pragma('wal_checkpoint(TRUNCATE)');
    const pages = sqlite().pragma('page_count', { simple: true }) as number;
    const before = await tableCounts(store.ctx);
    sqlite().pragma(`max_page_count = ${pages}`);
    let sawFull = false;
    try {
      for (let i = 0; i < 5; i += 1) {
        const reply = await call(store, 'POST', '/api/products', {
          token: owner,
          body: bigStyle(`FULL${i}`),
        });
        if (reply.status === 201) continue; // it fitted in free pages: try a bigger step
        expect(reply.status).toBe(503);
        expect(reply.body.error.message).toMatch(/disk is full.*nothing was saved/);
        sawFull = true;
        break;
      }
      const receipt = await call(store, 'POST', '/api/stock/receipts', {
        token: owner,
        body: { lines: skuIds.map((skuId) => ({ skuId, qty: 1 })), note: '补货' },
      });
      expect([201, 503]).toContain(receipt.status);
    } finally {
      sqlite().pragma('max_page_count = 4294967294');
    }
    expect(sawFull).toBe(true);
    const after = await tableCounts(store.ctx);
    // Whatever failed left no trace: every style has all its SKUs, every document its movements.
    const orphans = sqlite()
      .prepare(
        `select count(*) from styles s where (select count(*) from skus k where k.style_id = s.id) = 0`,
      )
      .pluck()
      .get();
    expect(orphans).toBe(0);
    expect((after.styles ?? 0) - (before.styles ?? 0)).toBe(((after.skus ?? 0) - (before.skus ?? 0)) / 84);
    const check = await call(store, 'GET', '/api/stock/check', { token: owner });
    expect(check.body.mismatches).toEqual([]);
    const later = await call(store, 'POST', '/api/products', { token: owner, body: bigStyle('AFTER') });
    expect(later.status).toBe(201);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStaff, call, login, ownerToken, type TestStaff } from '../../testing/client.js';
import { startTestStore, type TestStore } from '../../testing/harness.js';

let store: TestStore;
let owner: string;
let manager: TestStaff;
let cashier: TestStaff;
beforeAll(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
  manager = await addStaff(store, owner, 'manager');
  cashier = await addStaff(store, owner, 'cashier');
});
afterAll(() => store.close());

const DAY = 86_400_000;
let codeCounter = 0;

async function newStyle(price: number) {
  const reply = await call(store, 'POST', '/api/products', {
    token: owner,
    body: { styleCode: `CX${++codeCounter}`, name: '针织开衫', price, colors: ['黑'], sizes: ['M'] },
  });
  if (reply.status !== 201) throw new Error(JSON.stringify(reply.body));
  return reply.body as { id: string; skus: { barcode: string }[] };
}

const later = (ms: number) => new Date(store.clock.now().getTime() + ms).toISOString();
const priceOf = async (barcode: string) =>
  (await call(store, 'GET', `/api/skus/by-barcode/${barcode}`, { token: owner })).body.price;
const auditRows = async (kind: string) =>
  (await call(store, 'GET', `/api/audit?kind=${kind}&limit=50`, { token: owner })).body.items;
const tableCount = async (table: 'price_change_cancellations' | 'price_changes' | 'audit_log') =>
  Number(
    (
      await store.ctx.storage.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('cancelling a scheduled price change', () => {
  it('keeps the old price when the day comes, shows the change as cancelled, and audits it', async () => {
    const style = await newStyle(39900);
    const barcode = style.skus[0]?.barcode as string;
    const first = await call(store, 'POST', `/api/products/${style.id}/prices`, {
      token: owner,
      body: { price: 29900, startsAt: later(DAY), reason: '双十二' },
    });
    const second = await call(store, 'POST', `/api/products/${style.id}/prices`, {
      token: owner,
      body: { price: 34900, startsAt: later(2 * DAY), reason: '元旦' },
    });
    const doomed = first.body.changes.find((c: { price: number }) => c.price === 29900).id;
    expect(second.status).toBe(201);

    const refused = await call(store, 'POST', `/api/products/${style.id}/prices/${doomed}/cancel`, {
      token: cashier.token,
      body: {},
    });
    expect(refused.status).toBe(403);

    const cancelled = await call(store, 'POST', `/api/products/${style.id}/prices/${doomed}/cancel`, {
      token: manager.token,
      body: { reason: '活动取消' },
    });
    expect(cancelled.status).toBe(200);
    const row = cancelled.body.changes.find((c: { id: string }) => c.id === doomed);
    expect(row).toMatchObject({
      status: 'cancelled',
      cancellation: { reason: '活动取消', staffId: manager.id, at: store.clock.now().toISOString() },
    });

    store.clock.advance(DAY + 1000);
    owner = await ownerToken(store);
    expect(await priceOf(barcode)).toBe(39900);
    const history = await call(store, 'GET', `/api/products/${style.id}/prices`, { token: owner });
    expect(history.body.price).toBe(39900);
    expect(history.body.changes.map((c: { price: number; status: string }) => [c.price, c.status])).toEqual([
      [34900, 'scheduled'],
      [29900, 'cancelled'],
    ]);
    const style2 = await call(store, 'GET', `/api/products/${style.id}`, { token: owner });
    expect(style2.body.price).toBe(39900);
    const found = await call(store, 'GET', `/api/products?q=CX${codeCounter}`, { token: owner });
    expect(found.body.items[0].price).toBe(39900);

    store.clock.advance(DAY);
    owner = await ownerToken(store);
    expect(await priceOf(barcode)).toBe(34900);

    const [audit] = await auditRows('price.change_cancelled');
    expect(audit).toMatchObject({
      staffId: manager.id,
      subject: { type: 'style', id: style.id },
      detail: { changeId: doomed, price: 29900, reason: '活动取消' },
    });
  });

  it('refuses a change that has started, one cancelled already, or one of another style, changing nothing', async () => {
    const style = await newStyle(19900);
    const other = await newStyle(9900);
    const now = await call(store, 'POST', `/api/products/${style.id}/prices`, {
      token: owner,
      body: { price: 17900 },
    });
    const started = now.body.changes[0].id;
    const scheduled = (
      await call(store, 'POST', `/api/products/${style.id}/prices`, {
        token: owner,
        body: { price: 15900, startsAt: later(DAY) },
      })
    ).body.changes[0].id;
    expect(
      (await call(store, 'POST', `/api/products/${style.id}/prices/${scheduled}/cancel`, { token: owner }))
        .status,
    ).toBe(200);

    const before = {
      cancellations: await tableCount('price_change_cancellations'),
      changes: await tableCount('price_changes'),
      audit: await tableCount('audit_log'),
    };
    const cases: [string, string, number, string | null][] = [
      [style.id, started, 422, 'params.changeId'],
      [style.id, scheduled, 409, 'params.changeId'],
      [other.id, scheduled, 404, null],
      [style.id, 'no-such-change', 404, null],
    ];
    for (const [styleId, changeId, status, field] of cases) {
      const reply = await call(store, 'POST', `/api/products/${styleId}/prices/${changeId}/cancel`, {
        token: owner,
        body: {},
      });
      expect(reply.status, `${styleId} ${changeId}`).toBe(status);
      if (field) expect(Object.keys(reply.body.error.fields)).toContain(field);
    }
    const badReason = await call(store, 'POST', `/api/products/${style.id}/prices/${scheduled}/cancel`, {
      token: owner,
      body: { reason: 'x'.repeat(101) },
    });
    expect(badReason.status).toBe(400);
    expect(Object.keys(badReason.body.error.fields)).toEqual(['body.reason']);
    expect({
      cancellations: await tableCount('price_change_cancellations'),
      changes: await tableCount('price_changes'),
      audit: await tableCount('audit_log'),
    }).toEqual(before);
    expect(await priceOf(style.skus[0]?.barcode as string)).toBe(17900);
  });

  it('keeps cancellations append-only in the database itself', async () => {
    await expect(
      store.ctx.storage.write((trx) => trx.deleteFrom('price_change_cancellations').execute()),
    ).rejects.toThrow(/append-only/);
  });
});

describe('palette and size-group edits are audited', () => {
  // The price tests moved the clock past the sessions' lifetime.
  beforeAll(async () => {
    owner = await ownerToken(store);
    manager = { ...manager, token: await login(store, manager.username, manager.password) };
  });

  it('audits a colour added to the palette, once', async () => {
    const before = (await auditRows('catalog.color_added')).length;
    const added = await call(store, 'POST', '/api/colors', {
      token: manager.token,
      body: { name: '雾霾蓝' },
    });
    expect(added.status).toBe(201);
    expect(added.body.items).toContain('雾霾蓝');
    await call(store, 'POST', '/api/colors', { token: manager.token, body: { name: '雾霾蓝' } });
    await call(store, 'POST', '/api/colors', { token: manager.token, body: { name: '黑' } });
    const rows = await auditRows('catalog.color_added');
    expect(rows).toHaveLength(before + 1);
    expect(rows[0]).toMatchObject({ staffId: manager.id, detail: { name: '雾霾蓝' } });
  });

  it('audits a size group saved, with what it was before', async () => {
    const saved = await call(store, 'PUT', '/api/size-groups/tops', {
      token: owner,
      body: { name: '上衣', sizes: ['S', 'M', 'L', 'XL'] },
    });
    expect(saved.status).toBe(200);
    const own = await call(store, 'PUT', '/api/size-groups/plus', {
      token: manager.token,
      body: { name: '大码', sizes: ['2XL', '3XL', '4XL'] },
    });
    expect(own.status).toBe(200);
    const rows = await auditRows('catalog.size_group_saved');
    expect(rows[1]).toMatchObject({
      subject: { type: 'size_group', id: 'tops' },
      detail: {
        sizes: ['S', 'M', 'L', 'XL'],
        before: { sizes: ['XS', 'S', 'M', 'L', 'XL', 'XXL', 'XXXL'], builtIn: true },
      },
    });
    expect(rows[0]).toMatchObject({ staffId: manager.id, detail: { code: 'plus', before: null } });
    const bad = await call(store, 'PUT', '/api/size-groups/plus', {
      token: manager.token,
      body: { name: '大码', sizes: [] },
    });
    expect(bad.status).toBe(400);
    expect(await auditRows('catalog.size_group_saved')).toHaveLength(2);
  });
});

import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, pairDevice } from '../../testing/client.js';
import { openShop, type Shop } from '../sales/test-shop.js';

let shop: Shop;
afterEach(() => shop.store.close());
beforeEach(async () => {
  shop = await openShop();
});

const slips = async () =>
  (
    await shop.store.ctx.storage.db
      .selectFrom('print_jobs')
      .select(['terminal_id', 'job'])
      .where('job', 'like', '%"kind":"slip"%')
      .execute()
  ).map((row) => ({ terminalId: row.terminal_id, ...JSON.parse(row.job).document }));

describe('the 充值单', () => {
  it('prints at the till a top-up was made on, with the bonus, the balance and the phone masked', async () => {
    const terminal = await pairDevice(shop.store, shop.owner, 'checkout');
    const till = (
      await call(shop.store, 'POST', '/api/auth/pin', {
        token: terminal.token,
        body: { username: shop.cashier.username, pin: shop.cashier.pin },
      })
    ).body.token;
    const member = await call(shop.store, 'POST', '/api/members', {
      token: shop.owner,
      body: { phone: '13912345678', name: '周敏' },
    });
    const id = randomUUID();
    const topUp = await call(shop.store, 'POST', `/api/members/${member.body.id}/top-ups`, {
      token: till,
      body: { id, amount: 50000, method: 'wechat' },
    });
    expect(topUp.status).toBe(201);
    const [slip, ...more] = await slips();
    expect(more).toEqual([]);
    expect(slip).toMatchObject({
      kind: 'top_up',
      terminalId: terminal.id,
      ref: id,
      member: { name: '周敏', phoneMasked: '139****5678' },
      method: 'wechat',
      figures: [
        { item: 'amount', value: 50000 },
        { item: 'bonus', value: 5000 },
        { item: 'balance', value: topUp.body.storedValue },
      ],
    });
    expect(JSON.stringify(slip)).not.toContain('13912345678');

    // From the admin page there is no till, so no paper.
    await call(shop.store, 'POST', `/api/members/${member.body.id}/top-ups`, {
      token: shop.owner,
      body: { id: randomUUID(), amount: 10000, method: 'cash' },
    });
    expect(await slips()).toHaveLength(1);
  });
});

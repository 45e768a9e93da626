import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call } from '../../testing/client.js';
import { counts, onHand, openShop, type Shop } from './test-shop.js';

/**
 * 无小票换货 (`POST /api/exchanges`): goods back without a receipt, valued at the price in
 * force (or `unitAmount`), pay for a new sale in one transaction; always a manager's approval.
 * The shop's dress is ¥300 and its shirt ¥100, ten of each size in stock.
 */

let shop: Shop;
beforeEach(async () => {
  shop = await openShop();
});
afterEach(() => shop.store.close());

const approval = () => ({
  'Hanger-Approval-User': shop.manager.username,
  'Hanger-Approval-Pin': shop.manager.pin,
});
const dress = () => shop.dress.skus[0] as { id: string; barcode: string };
const shirt = () => shop.shirt.skus[0] as { id: string; barcode: string };

function exchange(body: Record<string, unknown>, headers: Record<string, string> = approval()) {
  return call(shop.store, 'POST', '/api/exchanges', { token: shop.cashier.token, body, headers });
}

describe('an exchange without a receipt (POST /api/exchanges)', () => {
  it('takes goods back, sells the new ones and collects the difference, once, with a manager', async () => {
    const body = {
      id: randomUUID(),
      saleId: randomUUID(),
      returnLines: [{ barcode: shirt().barcode, qty: 1 }],
      lines: [{ skuId: dress().id, qty: 1 }],
      payments: [{ method: 'cash', amount: 20000 }],
      reason: '顾客丢了小票，换大一码',
    };
    const before = await counts(shop);
    const alone = await exchange(body, {});
    expect(alone.status).toBe(403);
    expect(await counts(shop)).toEqual(before);

    const done = await exchange(body);
    expect(done.status).toBe(201);
    expect(done.body.difference).toBe(20000);
    expect(done.body.return).toMatchObject({
      kind: 'receiptless_exchange',
      saleId: null,
      amount: 10000,
      refund: [{ method: 'exchange', amount: 10000 }],
      approverId: shop.manager.id,
    });
    expect(done.body.sale).toMatchObject({ id: body.saleId, total: 30000, exchangeOf: body.id });
    expect(done.body.sale.payments).toEqual([
      { method: 'exchange', amount: 10000, reference: body.id },
      { method: 'cash', amount: 20000 },
    ]);
    expect(await onHand(shop, shirt().id)).toBe(11);
    expect(await onHand(shop, dress().id)).toBe(9);
    const slip = await shop.store.ctx.storage.db
      .selectFrom('returns')
      .select('receipt')
      .where('id', '=', body.id)
      .executeTakeFirstOrThrow();
    expect(slip.receipt).toContain('无小票换货');
    const receipt = await shop.store.ctx.storage.db
      .selectFrom('sales')
      .select('receipt')
      .where('id', '=', body.saleId)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(receipt.receipt).payments).toEqual([
      { method: 'other', label: '换货抵扣', amount: 10000 },
      { method: 'cash', amount: 20000 },
    ]);

    const after = await counts(shop);
    const again = await exchange(body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(done.body);
    expect(await counts(shop)).toEqual(after);
    const other = await exchange({ ...body, payments: [{ method: 'card', amount: 20000 }] });
    expect(other.status).toBe(409);
    expect(await counts(shop)).toEqual(after);

    const audit = await call(shop.store, 'GET', '/api/audit?kind=sale.exchanged', { token: shop.owner });
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({
      approverId: shop.manager.id,
      detail: { returnId: body.id, difference: 20000, receiptless: true, reason: '顾客丢了小票，换大一码' },
    });
  });

  it('gives the difference back in cash, or by another tender asked for, never to stored value', async () => {
    const cheaper = (refund?: unknown[], unitAmount?: number) =>
      exchange({
        id: randomUUID(),
        saleId: randomUUID(),
        returnLines: [{ skuId: dress().id, qty: 1, ...(unitAmount !== undefined && { unitAmount }) }],
        lines: [{ barcode: shirt().barcode, qty: 1 }],
        reason: '无小票换货',
        ...(refund && { refund }),
      });
    const cash = await cheaper();
    expect(cash.status).toBe(201);
    expect(cash.body.difference).toBe(-20000);
    expect(cash.body.return.refund).toEqual([
      { method: 'exchange', amount: 10000 },
      { method: 'cash', amount: 20000 },
    ]);
    expect(cash.body.sale.payments).toEqual([
      { method: 'exchange', amount: 10000, reference: cash.body.return.id },
    ]);
    expect(await onHand(shop, dress().id)).toBe(11);
    expect(await onHand(shop, shirt().id)).toBe(9);

    // Bought in a sale at ¥250: the manager gives back what was paid, not today's price.
    const card = await cheaper([{ method: 'card', amount: 15000 }], 25000);
    expect(card.status).toBe(201);
    expect(card.body.difference).toBe(-15000);
    expect(card.body.return.refund).toEqual([
      { method: 'exchange', amount: 10000 },
      { method: 'card', amount: 15000 },
    ]);

    const before = await counts(shop);
    const stored = await cheaper([{ method: 'stored_value', amount: 20000 }]);
    expect(stored.status).toBe(422);
    expect(stored.body.error.fields).toEqual({ 'refund.0.method': 'not without a receipt' });
    const short = await cheaper([{ method: 'cash', amount: 10000 }]);
    expect(short.body.error.fields).toEqual({ refund: 'must come to 20000' });
    expect(await counts(shop)).toEqual(before);
  });

  it('refuses bad input naming the field, and changes nothing', async () => {
    const good = {
      id: randomUUID(),
      saleId: randomUUID(),
      returnLines: [{ skuId: shirt().id, qty: 1 }],
      lines: [{ skuId: dress().id, qty: 1 }],
      payments: [{ method: 'cash', amount: 20000 }],
      reason: '尺码不合适',
    };
    const before = await counts(shop);
    const cases: [Record<string, unknown>, number, string][] = [
      [{ ...good, reason: undefined }, 400, 'body.reason'],
      [{ ...good, returnLines: [] }, 400, 'body.returnLines'],
      [{ ...good, returnLines: [{ skuId: shirt().id, qty: 0 }] }, 400, 'body.returnLines.0.qty'],
      [
        { ...good, returnLines: [{ skuId: shirt().id, barcode: shirt().barcode, qty: 1 }] },
        400,
        'body.returnLines.0.skuId',
      ],
      [{ ...good, returnLines: [{ barcode: 'NO-SUCH-TAG', qty: 1 }] }, 404, 'returnLines.0.barcode'],
      [{ ...good, lines: [{ barcode: 'NO-SUCH-TAG', qty: 1 }] }, 404, 'lines.0.barcode'],
      [{ ...good, payments: [{ method: 'cash', amount: 10000 }] }, 422, 'payments'],
      [{ ...good, expectedTotal: 29000 }, 409, 'expectedTotal'],
    ];
    for (const [body, status, field] of cases) {
      const refused = await exchange(body);
      expect({ field, status: refused.status }).toEqual({ field, status });
      expect(Object.keys(refused.body.error.fields ?? {})).toContain(field);
    }
    expect(await counts(shop)).toEqual(before);
  });

  it('on a training till is kept as practice and moves no stock', async () => {
    const done = await exchange({
      id: randomUUID(),
      saleId: randomUUID(),
      returnLines: [{ skuId: shirt().id, qty: 1 }],
      lines: [{ skuId: dress().id, qty: 1 }],
      payments: [{ method: 'cash', amount: 20000 }],
      reason: '练习',
      training: true,
    });
    expect(done.status).toBe(201);
    expect(done.body.return.training).toBe(true);
    expect(done.body.sale.training).toBe(true);
    expect(await onHand(shop, shirt().id)).toBe(10);
    expect(await onHand(shop, dress().id)).toBe(10);
  });
});

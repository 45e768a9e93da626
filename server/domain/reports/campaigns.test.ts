import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login } from '../../testing/client.js';
import { OWNER_PASSWORD } from '../../testing/harness.js';
import { openShop, type Shop, sell } from '../sales/test-shop.js';

/**
 * Three members tagged 春季: a and c consented to SMS, b did not. A fake SMS gateway refuses
 * c's number and takes a's. a comes back three days later and buys a shirt (¥100).
 */
let shop: Shop;
let gateway: Server;
let gatewayUrl = '';
const received: { to: string; text: string }[] = [];
const ids = { a: '', b: '', c: '' };

beforeAll(async () => {
  shop = await openShop();
  gateway = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const message = JSON.parse(body) as { to: string; text: string };
      if (req.headers.authorization !== 'Bearer sms-secret' || message.to === '13700000003') {
        res.statusCode = 500;
        res.end();
        return;
      }
      received.push(message);
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/send`;
  for (const [key, phone, consent] of [
    ['a', '13700000001', { sms: true }],
    ['b', '13700000002', false],
    ['c', '13700000003', { sms: true, wechat: true }],
  ] as const) {
    const reply = await call(shop.store, 'POST', '/api/members', {
      token: shop.owner,
      body: { phone, name: `会员${key}`, tags: ['春季'], consentMarketing: consent },
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    ids[key] = reply.body.id;
  }
});
afterAll(async () => {
  await new Promise((resolve) => gateway.close(resolve));
  await shop.store.close();
});

const campaign = (body: Record<string, unknown>, token = shop.owner) =>
  call(shop.store, 'POST', '/api/campaigns', { token, body });

describe('campaigns (POST /api/campaigns)', () => {
  it('refuses an unknown placeholder by name, and SMTP', async () => {
    const bad = await campaign({
      name: 'x',
      channel: 'sms',
      template: '{{nmae}} 您好',
      definition: { tags: ['春季'] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields['body.template']).toContain('{{nmae}}');
    const smtp = await call(shop.store, 'PUT', '/api/marketing/channels/email', {
      token: shop.owner,
      body: { url: 'http://127.0.0.1:1/x' },
    });
    expect(smtp.status).toBe(400);
    expect(
      (await campaign({ name: 'x', channel: 'sms', template: 'hi', definition: {} }, shop.manager.token))
        .status,
    ).toBe(403);
  });

  it('without a gateway: the consenting members go into a CSV with their filled-in messages', async () => {
    const sent = await campaign({
      name: '春季上新',
      channel: 'sms',
      template: '{{name}}，您有 {{points}} 积分，{{expiringPoints}} 分即将过期',
      definition: { tags: ['春季'] },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    expect(sent.body).toMatchObject({ segmentSize: 3, withoutConsent: 1, exported: 2, sent: 0, failed: 0 });
    const file = await fetch(`${shop.store.url}/api/campaigns/${sent.body.id}/messages?format=csv`, {
      headers: { authorization: `Bearer ${shop.owner}` },
    });
    const rows = parse((await file.text()).replace(/^\uFEFF/, ''), { columns: true }) as Record<
      string,
      string
    >[];
    expect(rows.map((row) => [row.Phone, row.Message, row.Status])).toEqual([
      ['13700000001', '会员a，您有 0 积分，0 分即将过期', 'exported'],
      ['13700000003', '会员c，您有 0 积分，0 分即将过期', 'exported'],
    ]);
  });

  it('through the SMS gateway: sent and failed logged per member; results count who came back and their revenue', async () => {
    const set = await call(shop.store, 'PUT', '/api/marketing/channels/sms', {
      token: shop.owner,
      body: { url: gatewayUrl, token: 'sms-secret' },
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const sent = await campaign({
      name: '回店礼',
      channel: 'sms',
      template: '{{name}} 回店有礼',
      definition: { tags: ['春季'] },
    });
    expect(sent.body).toMatchObject({ segmentSize: 3, withoutConsent: 1, sent: 1, failed: 1, exported: 0 });
    expect(received).toEqual([{ to: '13700000001', text: '会员a 回店有礼' }]);
    const log = await call(shop.store, 'GET', `/api/campaigns/${sent.body.id}/messages`, {
      token: shop.owner,
    });
    expect(log.body.rows.map((row: { status: string; error: string }) => [row.status, row.error])).toEqual([
      ['sent', ''],
      ['failed', 'gateway answered 500'],
    ]);

    shop.store.clock.advance(3 * 86_400_000);
    shop.cashier.token = await login(shop.store, shop.cashier.username, shop.cashier.password);
    shop.owner = await login(shop.store, 'owner', OWNER_PASSWORD);
    const bought = await sell(shop, {
      memberId: ids.a,
      lines: [{ skuId: shop.shirt.skus[0]?.id, qty: 1 }],
      payments: [{ method: 'cash', amount: 10000 }],
    });
    expect(bought.status).toBe(201);
    // c's message failed and b never got one: their purchases would not count.
    await sell(shop, {
      memberId: ids.c,
      lines: [{ skuId: shop.shirt.skus[1]?.id, qty: 1 }],
      payments: [{ method: 'cash', amount: 10000 }],
    });
    const results = await call(shop.store, 'GET', `/api/campaigns/${sent.body.id}/results?days=7`, {
      token: shop.owner,
    });
    expect(results.body).toMatchObject({ reached: 1, cameBack: 1, sales: 1, revenue: 10000 });
    const tooShort = await call(shop.store, 'GET', `/api/campaigns/${sent.body.id}/results?days=1`, {
      token: shop.owner,
    });
    expect(tooShort.body).toMatchObject({ cameBack: 0, revenue: 0 });
  });
});

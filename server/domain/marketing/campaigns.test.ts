import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login } from '../../testing/client.js';
import { OWNER_PASSWORD } from '../../testing/harness.js';
import { openShop, type Shop, sell } from '../sales/test-shop.js';
import { marketingWorker } from './marketing-worker.js';

/**
 * Three members tagged 春季: a and c consented to SMS, b did not. A fake SMS gateway refuses
 * c's number and takes a's. a comes back three days later and buys a shirt (¥100).
 */
let shop: Shop;
let gateway: Server;
let gatewayUrl = '';
const received: { to: string; text: string }[] = [];
const ids = { a: '', b: '', c: '', d: '' };
/** Numbers the fake gateway refuses once (503), then takes. */
const flaky = new Set(['13700000004']);

beforeAll(async () => {
  shop = await openShop();
  // These tests deliver by hand (POST /api/marketing/outbox/deliver) to see each attempt;
  // marketing-worker.test.ts shows the server delivering on its own.
  await marketingWorker(shop.store.ctx)?.stop();
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
      if (flaky.delete(message.to)) {
        res.statusCode = 503;
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
    ['d', '13700000004', { sms: true }],
  ] as const) {
    const reply = await call(shop.store, 'POST', '/api/members', {
      token: shop.owner,
      body: { phone, name: `会员${key}`, tags: [key === 'd' ? '夏季' : '春季'], consentMarketing: consent },
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
const deliverNow = () =>
  call(shop.store, 'POST', '/api/marketing/outbox/deliver', { token: shop.owner, body: {} });
const statusOf = async (campaignId: string) =>
  (
    await call(shop.store, 'GET', `/api/campaigns/${campaignId}/messages`, { token: shop.owner })
  ).body.rows.map((row: { name: string; status: string }) => [row.name, row.status]);
/** Moves the test clock to the next time the store-local (Asia/Shanghai, UTC+8) clock shows `hour`:00. */
async function advanceToLocalHour(hour: number) {
  const now = shop.store.clock.now().getTime();
  const day = 86_400_000;
  let target = Math.floor(now / day) * day + ((hour - 8 + 24) % 24) * 3_600_000;
  while (target <= now) target += day;
  shop.store.clock.advance(target - now);
  await relogin();
}
async function relogin() {
  shop.owner = await login(shop.store, 'owner', OWNER_PASSWORD);
}

describe('campaigns (POST /api/campaigns)', () => {
  it('refuses an unknown placeholder by name, and an SMTP server without its settings', async () => {
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
      body: { host: 'mail.example.com', port: 587, security: 'starttls', from: 'not-an-address' },
    });
    expect(smtp.status).toBe(400);
    expect(Object.keys(smtp.body.error.fields)).toEqual(['body.from']);
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
    // Queued for the outbox; c's message fails once and waits for its retries (1 and 5 minutes later), then fails.
    expect(sent.body).toMatchObject({
      segmentSize: 3,
      withoutConsent: 1,
      sent: 0,
      queued: 2,
      failed: 0,
      exported: 0,
    });
    expect((await deliverNow()).body).toMatchObject({ attempted: 2, sent: 1, retrying: 1 });
    expect(received).toEqual([{ to: '13700000001', text: '会员a 回店有礼' }]);
    expect((await deliverNow()).body).toMatchObject({ attempted: 0 });
    shop.store.clock.advance(60_000);
    expect((await deliverNow()).body).toMatchObject({ attempted: 1, retrying: 1 });
    shop.store.clock.advance(5 * 60_000);
    expect((await deliverNow()).body).toMatchObject({ attempted: 1, failed: 1 });
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

describe('campaign delivery: outbox, retries, frequency cap, quiet hours, test send', () => {
  it('settings have defaults and refuse an hour out of range (403 for others: role-matrix)', async () => {
    await relogin();
    const got = await call(shop.store, 'GET', '/api/marketing/settings', { token: shop.owner });
    expect(got.body).toEqual({
      capCount: 2,
      capDays: 7,
      quietStart: 21,
      quietEnd: 9,
      maxAttempts: 3,
      smsPriceFen: 0,
      smsOptOut: '回T退订',
    });
    const bad = await call(shop.store, 'PUT', '/api/marketing/settings', {
      token: shop.owner,
      body: { quietStart: 24 },
    });
    expect(bad.status).toBe(400);
  });

  it('a message the gateway refuses once is retried a minute later and ends sent', async () => {
    const sent = await campaign({
      name: '夏季预告',
      channel: 'sms',
      template: '{{name}} 夏季新品',
      definition: { tags: ['夏季'] },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    expect(sent.body).toMatchObject({ segmentSize: 1, queued: 1, sent: 0, failed: 0 });
    expect((await deliverNow()).body).toMatchObject({ attempted: 1, retrying: 1 });
    const waiting = await call(shop.store, 'GET', '/api/marketing/outbox?status=queued', {
      token: shop.owner,
    });
    const mine = waiting.body.messages.find((m: { body: string }) => m.body === '会员d 夏季新品');
    expect(mine).toMatchObject({ status: 'queued', attempts: 1, error: 'gateway answered 503' });
    expect(Date.parse(mine.nextAttemptAt) - shop.store.clock.now().getTime()).toBe(60_000);
    shop.store.clock.advance(60_000);
    expect((await deliverNow()).body).toMatchObject({ quiet: false, attempted: 1, sent: 1 });
    expect(await statusOf(sent.body.id)).toEqual([['会员d', 'sent']]);
    expect(received).toContainEqual({ to: '13700000004', text: '会员d 夏季新品' });
    const done = await call(shop.store, 'GET', '/api/marketing/outbox?status=sent', { token: shop.owner });
    expect(done.body.messages.find((m: { body: string }) => m.body === '会员d 夏季新品')).toMatchObject({
      attempts: 2,
      error: null,
    });
  });

  it('the frequency cap skips a member with 2 messages in 7 days, logged as capped, until the window passes', async () => {
    // a got the CSV message and the sent one three days ago; c's failed message does not count.
    const sent = await campaign({
      name: '再次提醒',
      channel: 'sms',
      template: '{{name}} 提醒',
      definition: { tags: ['春季'] },
    });
    expect(sent.body).toMatchObject({ segmentSize: 3, withoutConsent: 1, capped: 1 });
    expect(await statusOf(sent.body.id)).toEqual([
      ['会员a', 'capped'],
      ['会员c', 'queued'],
    ]);
    await deliverNow();
    expect(shop.store.logLines.some((line) => line.msg === 'campaign.capped' && line.capped === 1)).toBe(
      true,
    );
    expect(received.filter((m) => m.to === '13700000001')).toHaveLength(1);

    shop.store.clock.advance(5 * 86_400_000);
    await relogin();
    const later = await campaign({
      name: '周末',
      channel: 'sms',
      template: '{{name}} 周末见',
      definition: { tags: ['春季'] },
    });
    expect(later.body).toMatchObject({ capped: 0, queued: 2 });
    await deliverNow();
    expect(received).toContainEqual({ to: '13700000001', text: '会员a 周末见' });
  });

  it('in quiet hours messages stay queued until 09:00 store time; a test send to the owner goes at once', async () => {
    await advanceToLocalHour(22);
    const sent = await campaign({
      name: '夜间',
      channel: 'sms',
      template: '{{name}} 早安',
      definition: { tags: ['夏季'] },
    });
    expect(sent.body).toMatchObject({ queued: 1, sent: 0 });
    expect((await deliverNow()).body).toMatchObject({ quiet: true, attempted: 0 });
    expect(received).not.toContainEqual({ to: '13700000004', text: '会员d 早安' });

    const test = await call(shop.store, 'POST', '/api/marketing/test-send', {
      token: shop.owner,
      body: { channel: 'sms', to: '13900000000', template: '{{name}}，您有 {{points}} 积分' },
    });
    expect(test.status, JSON.stringify(test.body)).toBe(201);
    expect(test.body).toMatchObject({ status: 'sent', attempts: 1 });
    expect(received).toContainEqual({ to: '13900000000', text: '店主，您有 100 积分' });
    const unknown = await call(shop.store, 'POST', '/api/marketing/test-send', {
      token: shop.owner,
      body: { channel: 'sms', to: '13900000000', template: '{{nmae}}' },
    });
    expect(unknown.status).toBe(400);

    await advanceToLocalHour(8);
    expect((await deliverNow()).body).toMatchObject({ quiet: true, attempted: 0 });
    await advanceToLocalHour(9);
    expect((await deliverNow()).body).toMatchObject({ quiet: false });
    expect(await statusOf(sent.body.id)).toEqual([['会员d', 'sent']]);
    expect(received).toContainEqual({ to: '13700000004', text: '会员d 早安' });
  });
});

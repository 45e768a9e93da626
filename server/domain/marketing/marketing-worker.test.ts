import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../testing/client.js';
import { openShop, type Shop } from '../sales/test-shop.js';
import { marketingWorker, startMarketingWorker } from './marketing-worker.js';

/**
 * The outbox delivered by the server on its own: a worker looking every 20 ms here (30 s in a
 * shop), a fake SMS gateway that refuses some numbers a number of times and can be slowed down.
 */
let shop: Shop;
let gateway: Server;
let stopWorker: () => Promise<void>;
const posted: { to: string; text: string }[] = [];
/** Number → how many more times the gateway answers 503. */
const refusals = new Map<string, number>();
let delayMs = 0;

const outbox = async (status: string) =>
  (await call(shop.store, 'GET', `/api/marketing/outbox?status=${status}`, { token: shop.owner })).body;
const campaign = (name: string, tag: string) =>
  call(shop.store, 'POST', '/api/campaigns', {
    token: shop.owner,
    body: { name, channel: 'sms', template: `{{name}} ${name}`, definition: { tags: [tag] } },
  });

beforeAll(async () => {
  shop = await openShop();
  await marketingWorker(shop.store.ctx)?.stop();
  stopWorker = startMarketingWorker(shop.store.ctx, { pollMs: 20, firstTriggersMs: 3_600_000 });
  gateway = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const message = JSON.parse(body) as { to: string; text: string };
      const left = refusals.get(message.to) ?? 0;
      setTimeout(() => {
        if (left > 0) {
          refusals.set(message.to, left - 1);
          res.statusCode = 503;
          res.end();
          return;
        }
        posted.push(message);
        res.end('{}');
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/sms`;
  await call(shop.store, 'PUT', '/api/marketing/channels/sms', { token: shop.owner, body: { url } });
  await call(shop.store, 'PUT', '/api/marketing/settings', {
    token: shop.owner,
    body: { quietStart: 0, quietEnd: 0 },
  });
  for (let i = 1; i <= 6; i++) {
    const reply = await call(shop.store, 'POST', '/api/members', {
      token: shop.owner,
      body: {
        phone: `1340000000${i}`,
        name: `会员${i}`,
        tags: [i <= 2 ? '甲' : '乙'],
        consentMarketing: { sms: true },
      },
    });
    expect(reply.status).toBe(201);
  }
});
afterAll(async () => {
  await stopWorker();
  await new Promise((resolve) => gateway.close(resolve));
  await shop.store.close();
});

describe('the delivery worker', () => {
  it('sends queued messages on its own and retries a refused one when its backoff is over', async () => {
    refusals.set('13400000002', 2);
    const sent = await campaign('上新', '甲');
    expect(sent.body).toMatchObject({ queued: 2 });
    await expect.poll(() => posted.map((m) => m.to)).toEqual(['13400000001']);
    await expect
      .poll(async () => (await outbox('queued')).messages)
      .toEqual([expect.objectContaining({ to: '13400000002', attempts: 1, error: 'gateway answered 503' })]);
    const waiting = await outbox('queued');
    expect(Date.parse(waiting.nextDueAt) - shop.store.clock.now().getTime()).toBe(60_000);
    // Not before its time: the worker keeps looking, the clock has not moved.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await outbox('queued')).messages[0].attempts).toBe(1);
    shop.store.clock.advance(60_000);
    await expect.poll(async () => (await outbox('queued')).messages[0]?.attempts).toBe(2);
    shop.store.clock.advance(5 * 60_000);
    await expect.poll(() => posted.map((m) => m.to)).toEqual(['13400000001', '13400000002']);
    expect((await outbox('sent')).counts).toEqual({ queued: 0, sent: 2, delivered: 0, failed: 0 });
  });

  it('a failing run (the database) is retried after a growing wait, and delivery carries on once it is back', async () => {
    const db = shop.store.ctx.storage.db;
    const failures = () =>
      shop.store.logLines
        .filter((line) => line.msg === 'campaign delivery failed')
        .map((line) => line.retryInMs);
    await sql`alter table campaign_outbox rename to campaign_outbox_away`.execute(db);
    try {
      await expect.poll(() => failures().length).toBeGreaterThanOrEqual(3);
      expect(failures().slice(0, 3)).toEqual([40, 80, 160]);
    } finally {
      await sql`alter table campaign_outbox_away rename to campaign_outbox`.execute(db);
    }
    refusals.clear();
    const before = posted.length;
    expect((await campaign('恢复', '甲')).body).toMatchObject({ queued: 2 });
    await expect.poll(() => posted.length).toBe(before + 2);
  });

  it('stops cleanly: the message being sent is finished and recorded, nothing more goes out', async () => {
    delayMs = 150;
    const sent = await campaign('周末', '乙');
    expect(sent.body).toMatchObject({ queued: 4 });
    await expect.poll(() => posted.length, { timeout: 5000 }).toBeGreaterThanOrEqual(3);
    await stopWorker();
    const after = posted.length;
    const counts = (await outbox('sent')).counts;
    // Every message the gateway took is recorded as sent; the rest wait, queued.
    expect(counts.sent).toBe(after);
    expect(counts.queued).toBe(8 - after);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(posted.length).toBe(after);
    // A new worker (the next start of the server) finishes the job.
    delayMs = 0;
    stopWorker = startMarketingWorker(shop.store.ctx, { pollMs: 20, firstTriggersMs: 3_600_000 });
    await expect.poll(() => posted.length).toBe(8);
  });
});

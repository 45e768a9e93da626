import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { call, login } from '../../testing/client.js';
import { OWNER_PASSWORD } from '../../testing/harness.js';
import { openShop, type Shop, sell } from '../sales/test-shop.js';
import { marketingWorker, startMarketingWorker } from './marketing-worker.js';

/**
 * Automatic triggers over a shop whose clock the test moves, with the server's own worker
 * delivering to a fake SMS gateway (looking every 20 ms, triggers only when asked or on events).
 *
 *   b1  birthday 27 Nov, SMS consent       b2  birthday 27 Nov, no consent
 *   b3  birthday 20 Dec, SMS consent       u   buys 7 dresses: first purchase and upgrade to 银卡
 *   p   buys after points expire within a month
 * The clock starts on Tue 24 Nov 2026, 18:00 in Shanghai.
 */
let shop: Shop;
let gateway: Server;
let stopWorker: () => Promise<void>;
const received: { to: string; text: string }[] = [];
const ids: Record<string, string> = {};
let couponTemplateId = '';

const owner = () => shop.owner;
const put = (kind: string, body: Record<string, unknown>) =>
  call(shop.store, 'PUT', `/api/marketing/triggers/${kind}`, { token: owner(), body });
const run = async () => {
  const reply = await call(shop.store, 'POST', '/api/marketing/triggers/run', { token: owner(), body: {} });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body.results;
};
const textsTo = (phone: string) => received.filter((m) => m.to === phone).map((m) => m.text);
const db = () => shop.store.ctx.storage.db;
async function relogin() {
  shop.owner = await login(shop.store, 'owner', OWNER_PASSWORD);
  shop.cashier.token = await login(shop.store, shop.cashier.username, shop.cashier.password);
}
/** Moves the clock to the next time Shanghai (UTC+8) shows `hour`:00, `days` days on at least. */
async function advanceTo(hour: number, days = 0) {
  const now = shop.store.clock.now().getTime() + days * 86_400_000;
  const day = 86_400_000;
  let target = Math.floor(now / day) * day + ((hour - 8 + 24) % 24) * 3_600_000;
  while (target <= now) target += day;
  shop.store.clock.advance(target - shop.store.clock.now().getTime());
  await relogin();
}

async function join(key: string, phone: string, body: Record<string, unknown>) {
  const reply = await call(shop.store, 'POST', '/api/members', {
    token: owner(),
    body: { phone, name: `会员${key}`, ...body },
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  ids[key] = reply.body.id;
}

beforeAll(async () => {
  shop = await openShop();
  await marketingWorker(shop.store.ctx)?.stop();
  stopWorker = startMarketingWorker(shop.store.ctx, { pollMs: 20, firstTriggersMs: 3_600_000 });
  gateway = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/sms`;
  expect(
    (await call(shop.store, 'PUT', '/api/marketing/channels/sms', { token: owner(), body: { url } })).status,
  ).toBe(200);
  const template = await call(shop.store, 'POST', '/api/coupon-templates', {
    token: owner(),
    body: { name: '生日券50', kind: 'amount', value: 5000, minSpend: 0, validDays: 30, perMemberLimit: null },
  });
  expect(template.status, JSON.stringify(template.body)).toBe(201);
  couponTemplateId = template.body.id;
  await join('b1', '13500000001', { birthday: '1990-11-27', consentMarketing: { sms: true } });
  await join('b2', '13500000002', { birthday: '11-27', consentMarketing: false });
  await join('b3', '13500000003', { birthday: '12-20', consentMarketing: { sms: true } });
  await join('u', '13500000004', { consentMarketing: { sms: true } });
  await join('p', '13500000005', { consentMarketing: { sms: true } });
});
afterAll(async () => {
  await stopWorker();
  await new Promise((resolve) => gateway.close(resolve));
  await shop.store.close();
});

describe('trigger settings (GET/PUT /api/marketing/triggers)', () => {
  it('lists every trigger switched off with a default template; bad settings are refused by field', async () => {
    const list = await call(shop.store, 'GET', '/api/marketing/triggers', { token: owner() });
    expect(list.body.items.map((t: { kind: string; enabled: boolean }) => [t.kind, t.enabled])).toEqual([
      ['birthday', false],
      ['dormant', false],
      ['points_expiring', false],
      ['tier_upgrade', false],
      ['first_purchase', false],
    ]);
    expect(list.body.placeholders).toContain('couponCode');
    const base = { enabled: true, channel: 'sms', template: '{{name}}' };
    const cases: [string, Record<string, unknown>, string][] = [
      ['birthday', { ...base, template: '{{nmae}} 生日快乐' }, 'body.template'],
      ['birthday', { ...base, days: 61 }, 'body.days'],
      ['tier_upgrade', { ...base, days: 3 }, 'body.days'],
      ['birthday', { ...base, couponTemplateId: 'no-such-template' }, 'body.couponTemplateId'],
      ['birthday', { ...base, channel: 'fax' }, 'body.channel'],
      ['anniversary', base, 'params.kind'],
    ];
    for (const [kind, body, field] of cases) {
      const reply = await put(kind, body);
      expect(reply.status, `${kind} ${JSON.stringify(body)}`).toBe(400);
      expect(Object.keys(reply.body.error.fields)).toEqual([field]);
    }
    expect(
      (await call(shop.store, 'GET', '/api/marketing/triggers', { token: shop.manager.token })).status,
    ).toBe(403);
  });
});

describe('automatic triggers', () => {
  it('birthday: N days before, with a coupon from the chosen template, to consenting members, once a year', async () => {
    const saved = await put('birthday', {
      enabled: true,
      days: 7,
      channel: 'sms',
      template: '{{name}} 生日快乐，券码 {{couponCode}}',
      couponTemplateId,
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const results = await run();
    // b1 and b2 have their birthday in 3 days; b2 gave no consent; b3's is 26 days away.
    expect(results.birthday).toMatchObject({ candidates: 2, withoutConsent: 1, queued: 1, coupons: 1 });
    const coupons = await call(shop.store, 'GET', `/api/members/${ids.b1}/coupons`, { token: owner() });
    const code = coupons.body.items.find((c: { templateId?: string; code: string }) => c.code)?.code;
    expect(code).toMatch(/^[A-Z0-9]{12}$/);
    await expect.poll(() => textsTo('13500000001')).toEqual([`会员b1 生日快乐，券码 ${code}`]);
    expect((await run()).birthday).toMatchObject({ candidates: 2, already: 1, queued: 0, coupons: 0 });
    // The database holds the once-per-occasion rule itself.
    await expect(
      sql`insert into campaign_trigger_sends (id, store_id, kind, member_id, occasion, message_id, coupon_code, at)
        select 'dup', store_id, kind, member_id, occasion, message_id, null, at from campaign_trigger_sends`.execute(
        db(),
      ),
    ).rejects.toThrow(/UNIQUE|duplicate key/i);
    const campaigns = await call(shop.store, 'GET', '/api/campaigns', { token: owner() });
    expect(campaigns.body.items[0]).toMatchObject({
      name: '生日祝福 2026-11-24',
      trigger: 'birthday',
      messages: { sent: 1 },
    });
  });

  it('first purchase and tier upgrade fire on the events of a sale, once', async () => {
    for (const [kind, template] of [
      ['first_purchase', '{{name}} 感谢首购'],
      ['tier_upgrade', '{{name}} 升级为{{tier}}'],
    ]) {
      expect((await put(kind as string, { enabled: true, channel: 'sms', template })).status).toBe(200);
    }
    const [dressS] = shop.dress.skus.map((s) => s.id);
    const sale = await sell(shop, {
      memberId: ids.u,
      lines: [{ skuId: dressS, qty: 7 }],
      payments: [{ method: 'cash', amount: 210000 }],
    });
    expect(sale.status, JSON.stringify(sale.body)).toBe(201);
    await marketingWorker(shop.store.ctx)?.idle();
    await expect.poll(() => textsTo('13500000004').sort()).toEqual(['会员u 升级为银卡', '会员u 感谢首购']);
    const again = await sell(shop, {
      memberId: ids.u,
      lines: [{ skuId: dressS, qty: 1 }],
      payments: [{ method: 'cash', amount: 30000 }],
    });
    expect(again.status).toBe(201);
    await marketingWorker(shop.store.ctx)?.idle();
    const results = await run();
    expect(results.first_purchase).toMatchObject({ queued: 0 });
    expect(results.tier_upgrade).toMatchObject({ candidates: 1, already: 1, queued: 0 });
    expect(textsTo('13500000004')).toHaveLength(2);
  });

  it('points expiring: the frequency cap holds (logged capped, never sent later) and quiet hours hold messages until 09:00', async () => {
    const expiry = await call(shop.store, 'PUT', '/api/loyalty/settings/expiry', {
      token: owner(),
      body: { mode: 'months', months: 1 },
    });
    expect(expiry.status, JSON.stringify(expiry.body)).toBe(200);
    const [, shirtM] = shop.shirt.skus.map((s) => s.id);
    for (const member of [ids.p, ids.u]) {
      const bought = await sell(shop, {
        memberId: member,
        lines: [{ skuId: shirtM, qty: 1 }],
        payments: [{ method: 'cash', amount: 10000 }],
      });
      expect(bought.status).toBe(201);
    }
    await marketingWorker(shop.store.ctx)?.idle();
    await expect.poll(() => textsTo('13500000005')).toEqual(['会员p 感谢首购']);
    expect(
      (
        await put('points_expiring', {
          enabled: true,
          days: 40,
          channel: 'sms',
          template: '{{name}}：{{expiringPoints}} 积分将过期',
        })
      ).status,
    ).toBe(200);
    await advanceTo(22);
    const results = await run();
    // u already had two messages this week (the cap is 2 per 7 days); p had one.
    expect(results.points_expiring).toMatchObject({ candidates: 2, queued: 1, capped: 1 });
    const outbox = await call(shop.store, 'GET', '/api/marketing/outbox?status=queued', { token: owner() });
    expect(outbox.body.messages).toEqual([
      expect.objectContaining({
        to: '13500000005',
        body: '会员p：100 积分将过期',
        trigger: 'points_expiring',
      }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(textsTo('13500000005')).toHaveLength(1);
    await advanceTo(9);
    await expect.poll(() => textsTo('13500000005')).toContain('会员p：100 积分将过期');
    expect((await run()).points_expiring).toMatchObject({ already: 2, queued: 0, capped: 0 });
    expect(textsTo('13500000004').some((text) => text.includes('积分将过期'))).toBe(false);
  });

  it('dormant: members with no purchase in N days, again only after they came back and lapsed again', async () => {
    expect(
      (await put('dormant', { enabled: true, days: 7, channel: 'sms', template: '{{name}} 好久不见' }))
        .status,
    ).toBe(200);
    expect((await run()).dormant).toMatchObject({ candidates: 0 });
    await advanceTo(12, 7);
    expect((await run()).dormant).toMatchObject({ candidates: 2, queued: 2 });
    await expect
      .poll(() =>
        received
          .filter((m) => m.text.endsWith('好久不见'))
          .map((m) => m.to)
          .sort(),
      )
      .toEqual(['13500000004', '13500000005']);
    expect((await run()).dormant).toMatchObject({ already: 2, queued: 0 });
    const [, shirtM] = shop.shirt.skus.map((s) => s.id);
    const back = await sell(shop, {
      memberId: ids.u,
      lines: [{ skuId: shirtM, qty: 1 }],
      payments: [{ method: 'cash', amount: 10000 }],
    });
    expect(back.status).toBe(201);
    await advanceTo(12, 7);
    const later = await run();
    expect(later.dormant).toMatchObject({ candidates: 2, already: 1, queued: 1 });
    await expect.poll(() => textsTo('13500000004').filter((t) => t.endsWith('好久不见'))).toHaveLength(2);
  });

  it('birthday: the next year is a new occasion', async () => {
    shop.store.clock.advance(350 * 86_400_000);
    await relogin();
    const results = await run();
    expect(results.birthday).toMatchObject({ queued: 1, coupons: 1 });
    await expect.poll(() => textsTo('13500000001')).toHaveLength(2);
    const occasions = await db()
      .selectFrom('campaign_trigger_sends')
      .select('occasion')
      .where('kind', '=', 'birthday')
      .orderBy('occasion')
      .execute();
    expect(occasions).toEqual([{ occasion: '2026-11-27' }, { occasion: '2027-11-27' }]);
  });
});

describe('erasure', () => {
  it("erasing a member deletes their address and messages' text, withdraws what was not sent, and the access request shows it before", async () => {
    const set = await call(shop.store, 'PATCH', `/api/members/${ids.b3}`, {
      token: owner(),
      body: { email: 'b3@example.com' },
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    // 23:00 in Shanghai: quiet hours hold the campaign's message in the outbox until 09:00.
    await advanceTo(23);
    const campaign = await call(shop.store, 'POST', '/api/campaigns', {
      token: owner(),
      body: {
        name: '圣诞预告',
        channel: 'sms',
        template: '{{name}}，圣诞新品到店',
        definition: { birthdayMonths: [12] },
      },
    });
    expect(campaign.status, JSON.stringify(campaign.body)).toBe(201);
    expect(campaign.body.queued).toBe(1);
    const before = await call(shop.store, 'GET', `/api/members/${ids.b3}/privacy-export`, { token: owner() });
    expect(before.body.profile.email).toBe('b3@example.com');
    expect(before.body.messages).toContainEqual(
      expect.objectContaining({
        campaign: '圣诞预告',
        channel: 'sms',
        body: '会员b3，圣诞新品到店',
        status: 'queued',
      }),
    );

    const erase = await call(shop.store, 'POST', `/api/members/${ids.b3}/erase`, {
      token: owner(),
      body: { reason: '会员要求注销' },
    });
    expect(erase.status, JSON.stringify(erase.body)).toBe(200);
    const after = await call(shop.store, 'GET', `/api/members/${ids.b3}/privacy-export`, { token: owner() });
    expect(after.body.profile.email).toBeNull();
    for (const message of after.body.messages) expect(message.body).toBe('');
    expect(after.body.messages).toContainEqual(
      expect.objectContaining({ campaign: '圣诞预告', status: 'failed', error: 'member erased' }),
    );
    const outbox = await db()
      .selectFrom('campaign_outbox as o')
      .innerJoin('campaign_messages as m', 'm.id', 'o.message_id')
      .select(['o.status', 'o.error', 'o.payload'])
      .where('m.member_id', '=', ids.b3 ?? '')
      .execute();
    expect(outbox.length).toBeGreaterThan(0);
    for (const row of outbox) expect(row.payload).toBe('{"text":""}');
    expect(outbox).toContainEqual({ status: 'failed', error: 'member erased', payload: '{"text":""}' });

    // Morning comes and the worker sends what is due: nothing goes to the erased member.
    const sentBefore = received.length;
    await advanceTo(10);
    await vi.waitFor(async () => {
      const due = await db()
        .selectFrom('campaign_outbox')
        .select('id')
        .where('status', '=', 'queued')
        .where('next_attempt_at', '<=', shop.store.clock.now().toISOString())
        .execute();
      expect(due).toEqual([]);
    });
    expect(received.slice(sentBefore).filter((m) => m.text.includes('圣诞新品'))).toEqual([]);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call } from '../../testing/client.js';
import { openShop, type Shop } from '../sales/test-shop.js';
import { merchantSetup, saveMerchantSetup } from './merchant-setup.js';
import { PaymentSimulator } from './simulator/server.js';
import { codeOf, pay } from './test-payments.js';
import { checkInIfDue } from './upay-checkin.js';

/**
 * 收钱吧's terminal flow against the simulator speaking it: the owner activates this server with
 * a one-time 激活码 (signed with the vendor key), the server keeps the terminal key for itself,
 * checks in once a day for a new key (the old one is valid until the next check-in only), and
 * checks in once more when a payment's signature is refused.
 */
let provider: PaymentSimulator;
let providerDir: string;
beforeAll(async () => {
  providerDir = mkdtempSync(join(tmpdir(), 'hanger-provider-'));
  provider = new PaymentSimulator(providerDir);
  await provider.start();
});
afterAll(async () => {
  await provider.stop();
  rmSync(providerDir, { recursive: true, force: true });
});

let shop: Shop;
beforeEach(async () => {
  shop = await openShop();
});
afterEach(() => shop.store.close());

const owner = (method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown) =>
  call(shop.store, method, `/api/payments/setup${path}`, { token: shop.owner, body });

async function newCode(): Promise<string> {
  const reply = await fetch(`${provider.url}/__simulator/upay/activation-code`, { method: 'POST' });
  return ((await reply.json()) as { code: string }).code;
}

const activation = (code: string) => ({
  vendorSn: provider.keys.upay.vendorSn,
  vendorKey: provider.keys.upay.vendorKey,
  appId: provider.keys.upay.appId,
  activationCode: code,
  endpoint: `${provider.url}/`,
});

/** The server as after a night: its last check-in was on an earlier day. */
function lastCheckedInYesterday(): void {
  const setup = merchantSetup(shop.store.ctx);
  if (!setup.upay) throw new Error('no terminal saved');
  saveMerchantSetup(shop.store.ctx, { ...setup, upay: { ...setup.upay, checkedInOn: '2000-01-01' } });
}

/** The terminal key the server keeps (the admin page never shows it). */
const keptKey = () => merchantSetup(shop.store.ctx).upay?.terminalKey;

describe('收钱吧 terminal activation', { timeout: 90_000 }, () => {
  it('activates with a 激活码 once; the key is kept, never shown, and pays', async () => {
    const code = await newCode();
    const wrongVendor = await owner('POST', '/upay/activate', {
      ...activation(code),
      vendorKey: 'a'.repeat(32),
    });
    expect(wrongVendor.status).toBe(422);
    expect(Object.keys(wrongVendor.body.error.fields)).toEqual(['body.vendorKey']);

    const activated = await owner('POST', '/upay/activate', activation(code));
    expect(activated.status).toBe(200);
    const terminalSn = activated.body.upay.terminalSn as string;
    expect(terminalSn).not.toBe(provider.keys.upay.terminalSn);
    expect(activated.body.upay).toMatchObject({ activated: true, checkedInOn: expect.any(String) });
    expect(keptKey()).toBe(provider.terminals.keyOf(terminalSn));
    const shown = JSON.stringify((await owner('GET', '')).body);
    expect(shown).not.toContain(keptKey());
    expect(shown).not.toContain(provider.keys.upay.vendorKey);
    expect(JSON.stringify(merchantSetup(shop.store.ctx))).not.toContain(provider.keys.upay.vendorKey);

    // The code is spent: a second activation with it is refused, naming the code.
    const again = await owner('POST', '/upay/activate', activation(code));
    expect(again.status).toBe(422);
    expect(Object.keys(again.body.error.fields)).toEqual(['body.activationCode']);
    expect(merchantSetup(shop.store.ctx).upay?.terminalSn).toBe(terminalSn);

    expect((await owner('POST', '/upay/test')).body).toMatchObject({ ok: true, provider: 'upay' });
    expect((await owner('PUT', '', { mode: 'live' })).status).toBe(200);
    const paid = await pay(shop, { amount: 1000, authCode: codeOf('wechat', '1') });
    expect(paid.body).toMatchObject({ status: 'succeeded', provider: 'wechat', aggregator: 'upay' });
  });

  it('checks in once a day: the new key replaces the old, which is refused after the next', async () => {
    await owner('POST', '/upay/activate', activation(await newCode()));
    const terminalSn = merchantSetup(shop.store.ctx).upay?.terminalSn as string;
    const first = keptKey();
    // Checked in at activation: nothing more today.
    await checkInIfDue(shop.store.ctx);
    expect(keptKey()).toBe(first);

    lastCheckedInYesterday();
    await checkInIfDue(shop.store.ctx);
    const second = keptKey();
    expect(second).not.toBe(first);
    expect(second).toBe(provider.terminals.keyOf(terminalSn));
    expect((await owner('POST', '/upay/test')).body).toMatchObject({ ok: true });

    expect((await owner('GET', '')).body.upay.checkedInOn).not.toBe('2000-01-01');
    lastCheckedInYesterday();
    await checkInIfDue(shop.store.ctx);
    expect(keptKey()).not.toBe(second);
    // The key of two check-ins ago is refused by 收钱吧.
    const stale = await owner('PUT', '/upay', {
      terminalSn,
      terminalKey: first,
      endpoint: `${provider.url}/`,
    });
    expect(stale.status).toBe(200);
    expect((await owner('POST', '/upay/test')).body).toMatchObject({ ok: false, why: 'signature_refused' });
  });

  it('a payment refused for its signature checks in once and goes through with the new key', async () => {
    await owner('POST', '/upay/activate', activation(await newCode()));
    expect((await owner('PUT', '', { mode: 'live' })).status).toBe(200);
    const first = keptKey();
    // 收钱吧 refusing a key not checked in for 48 hours (its older documents' rule), the server
    // not having checked in (its worker stopped): the payment's first request is refused.
    provider.terminals.keyHours = 48;
    try {
      await fetch(`${provider.url}/__simulator/clock`, {
        method: 'POST',
        body: JSON.stringify({ advanceSeconds: 49 * 3600 }),
      });
      const paid = await pay(shop, { amount: 1000, authCode: codeOf('alipay', '1') });
      expect(paid.body).toMatchObject({ status: 'succeeded', provider: 'alipay' });
      expect(keptKey()).not.toBe(first);
    } finally {
      provider.terminals.keyHours = null;
    }
  });
});

import { describe, expect, it } from 'vitest';
import { call } from '../../testing/client.js';
import { merchantSetup, saveMerchantSetup } from './merchant-setup.js';
import { codeOf, pay, setupBench } from './test-payments.js';
import { checkInIfDue } from './upay-checkin.js';

/**
 * 收钱吧's terminal flow against the simulator speaking it: the owner activates this server with
 * a one-time 激活码 (signed with the vendor key), the server keeps the terminal key for itself,
 * checks in once a day for a new key (the old one is valid until the next check-in only), and
 * checks in once more when a payment's signature is refused.
 */
const given = setupBench();

const owner = (method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown) =>
  call(given.shop.store, method, `/api/payments/setup${path}`, { token: given.shop.owner, body });

async function newCode(): Promise<string> {
  const reply = await fetch(`${given.provider.url}/__simulator/upay/activation-code`, { method: 'POST' });
  return ((await reply.json()) as { code: string }).code;
}

const activation = (code: string) => ({
  vendorSn: given.provider.keys.upay.vendorSn,
  vendorKey: given.provider.keys.upay.vendorKey,
  appId: given.provider.keys.upay.appId,
  activationCode: code,
  endpoint: `${given.provider.url}/`,
});

/** The server as after a night: its last check-in was on an earlier day. */
function lastCheckedInYesterday(): void {
  const setup = merchantSetup(given.shop.store.ctx);
  if (!setup.upay) throw new Error('no terminal saved');
  saveMerchantSetup(given.shop.store.ctx, { ...setup, upay: { ...setup.upay, checkedInOn: '2000-01-01' } });
}

/** The terminal key the server keeps (the admin page never shows it). */
const keptKey = () => merchantSetup(given.shop.store.ctx).upay?.terminalKey;

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
    expect(terminalSn).not.toBe(given.provider.keys.upay.terminalSn);
    expect(activated.body.upay).toMatchObject({ activated: true, checkedInOn: expect.any(String) });
    expect(keptKey()).toBe(given.provider.terminals.keyOf(terminalSn));
    const shown = JSON.stringify((await owner('GET', '')).body);
    expect(shown).not.toContain(keptKey());
    expect(shown).not.toContain(given.provider.keys.upay.vendorKey);
    expect(JSON.stringify(merchantSetup(given.shop.store.ctx))).not.toContain(
      given.provider.keys.upay.vendorKey,
    );

    // The code is spent: a second activation with it is refused, naming the code.
    const again = await owner('POST', '/upay/activate', activation(code));
    expect(again.status).toBe(422);
    expect(Object.keys(again.body.error.fields)).toEqual(['body.activationCode']);
    expect(merchantSetup(given.shop.store.ctx).upay?.terminalSn).toBe(terminalSn);

    expect((await owner('POST', '/upay/test')).body).toMatchObject({ ok: true, provider: 'upay' });
    expect((await owner('PUT', '', { mode: 'live' })).status).toBe(200);
    const paid = await pay(given.shop, { amount: 1000, authCode: codeOf('wechat', '1') });
    expect(paid.body).toMatchObject({ status: 'succeeded', provider: 'wechat', aggregator: 'upay' });
  });

  it('checks in once a day: the new key replaces the old, which is refused after the next', async () => {
    await owner('POST', '/upay/activate', activation(await newCode()));
    const terminalSn = merchantSetup(given.shop.store.ctx).upay?.terminalSn as string;
    const first = keptKey();
    // Checked in at activation: nothing more today.
    await checkInIfDue(given.shop.store.ctx);
    expect(keptKey()).toBe(first);

    lastCheckedInYesterday();
    await checkInIfDue(given.shop.store.ctx);
    const second = keptKey();
    expect(second).not.toBe(first);
    expect(second).toBe(given.provider.terminals.keyOf(terminalSn));
    expect((await owner('POST', '/upay/test')).body).toMatchObject({ ok: true });

    expect((await owner('GET', '')).body.upay.checkedInOn).not.toBe('2000-01-01');
    lastCheckedInYesterday();
    await checkInIfDue(given.shop.store.ctx);
    expect(keptKey()).not.toBe(second);
    // The key of two check-ins ago is refused by 收钱吧.
    const stale = await owner('PUT', '/upay', {
      terminalSn,
      terminalKey: first,
      endpoint: `${given.provider.url}/`,
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
    given.provider.terminals.keyHours = 48;
    try {
      await fetch(`${given.provider.url}/__simulator/clock`, {
        method: 'POST',
        body: JSON.stringify({ advanceSeconds: 49 * 3600 }),
      });
      const paid = await pay(given.shop, { amount: 1000, authCode: codeOf('alipay', '1') });
      expect(paid.body).toMatchObject({ status: 'succeeded', provider: 'alipay' });
      expect(keptKey()).not.toBe(first);
    } finally {
      given.provider.terminals.keyHours = null;
    }
  });
});

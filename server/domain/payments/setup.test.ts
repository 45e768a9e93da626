import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { call } from '../../testing/client.js';
import { codeOf, pay, setupBench } from './test-payments.js';

/**
 * The owner's 收款设置 against a provider that checks signatures both ways: the simulator plays
 * WeChat Pay and Alipay at their wire formats, its keys are what a merchant would paste.
 */
const given = setupBench();

const owner = (method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, body?: unknown) =>
  call(given.shop.store, method, `/api/payments/setup${path}`, { token: given.shop.owner, body });

const strangerKey = () =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });

const wechatKeys = () => {
  const w = given.provider.keys.wechat;
  return {
    mchid: w.mchid,
    appid: w.appid,
    serial: w.merchantSerial,
    privateKey: w.merchant.privateKey,
    platformPublicKey: w.platform.publicKey,
    platformSerial: w.platformSerial,
    endpoint: `${given.provider.url}/`,
  };
};

/** As Alipay's key tool prints them: bare base64, no PEM armour. */
const bare = (pem: string) => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
const alipayKeys = () => {
  const a = given.provider.keys.alipay;
  return {
    appId: a.appId,
    privateKey: bare(a.app.privateKey),
    alipayPublicKey: bare(a.alipay.publicKey),
    endpoint: `${given.provider.url}/gateway.do`,
  };
};

describe('收款设置: the merchant keys on the admin page', () => {
  it('saves keys it can read, never shows them again, and refuses bad ones naming the field', async () => {
    expect((await owner('GET', '')).body).toEqual({ mode: 'off', wechat: null, alipay: null });

    const bad = await owner('PUT', '/wechat', { ...wechatKeys(), privateKey: 'not a key', mchid: '12ab' });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['body.mchid', 'body.privateKey']);
    const notPublic = await owner('PUT', '/alipay', { ...alipayKeys(), alipayPublicKey: 'QUJD' });
    expect(Object.keys(notPublic.body.error.fields)).toEqual(['body.alipayPublicKey']);
    expect((await owner('GET', '')).body).toEqual({ mode: 'off', wechat: null, alipay: null });

    const saved = await owner('PUT', '/wechat', wechatKeys());
    expect(saved.status).toBe(200);
    expect(saved.body.wechat).toMatchObject({
      mchid: '1900000109',
      platformSerial: wechatKeys().platformSerial,
    });
    expect((await owner('PUT', '/alipay', alipayKeys())).status).toBe(200);
    const view = await owner('GET', '');
    expect(JSON.stringify(view.body)).not.toMatch(/PRIVATE|PUBLIC KEY|MII/);
    expect(view.body.alipay).toMatchObject({
      appId: '2021000000000001',
      endpoint: `${given.provider.url}/gateway.do`,
    });

    // For the server's user alone; the audit says whose keys, never a key.
    const file = join(given.shop.store.ctx.dataDir, 'payment-setup.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain('BEGIN PRIVATE KEY');
    const audit = await call(given.shop.store, 'GET', '/api/audit?kind=payments.setup_changed', {
      token: given.shop.owner,
    });
    expect(audit.body.items).toHaveLength(2);
    expect(JSON.stringify(audit.body.items)).not.toMatch(/PRIVATE|PUBLIC KEY|MII/);

    const cashier = await call(given.shop.store, 'GET', '/api/payments/setup', {
      token: given.shop.cashier.token,
    });
    expect(cashier.status).toBe(403);
    const manager = await call(given.shop.store, 'PUT', '/api/payments/setup', {
      token: given.shop.manager.token,
      body: { mode: 'live' },
    });
    expect(manager.status).toBe(403);
  });

  it('"test connection" says whether the provider took our signature and its answer verified', async () => {
    expect((await owner('POST', '/wechat/test')).status).toBe(422);
    await owner('PUT', '/wechat', wechatKeys());
    await owner('PUT', '/alipay', alipayKeys());
    expect((await owner('POST', '/wechat/test')).body).toMatchObject({ ok: true, provider: 'wechat' });
    expect((await owner('POST', '/alipay/test')).body).toMatchObject({ ok: true, provider: 'alipay' });

    // A private key the provider does not know: it refuses the request's signature.
    await owner('PUT', '/wechat', { ...wechatKeys(), privateKey: strangerKey().privateKey });
    await owner('PUT', '/alipay', { ...alipayKeys(), privateKey: strangerKey().privateKey });
    expect((await owner('POST', '/wechat/test')).body).toMatchObject({ ok: false, why: 'signature_refused' });
    expect((await owner('POST', '/alipay/test')).body).toMatchObject({ ok: false, why: 'signature_refused' });

    // The wrong provider key: its answers do not verify, even the "no such order" one.
    await owner('PUT', '/wechat', { ...wechatKeys(), platformPublicKey: strangerKey().publicKey });
    await owner('PUT', '/alipay', { ...alipayKeys(), alipayPublicKey: strangerKey().publicKey });
    expect((await owner('POST', '/wechat/test')).body).toMatchObject({ ok: false, why: 'answer_unsigned' });
    expect((await owner('POST', '/alipay/test')).body).toMatchObject({ ok: false, why: 'answer_unsigned' });

    // Nobody at that address.
    await owner('PUT', '/wechat', { ...wechatKeys(), endpoint: 'http://127.0.0.1:9/' });
    expect((await owner('POST', '/wechat/test')).body).toMatchObject({ ok: false, why: 'no_answer' });
  });

  it('live takes payments with the saved keys, and holds the switch while a payment is open', async () => {
    const refused = await owner('PUT', '', { mode: 'live' });
    expect(refused.status).toBe(422);
    expect(Object.keys(refused.body.error.fields)).toEqual(['body.mode']);
    const off = await pay(given.shop, { amount: 10000, authCode: codeOf('wechat', '1') });
    expect(off.status).toBe(422);

    await owner('PUT', '/wechat', wechatKeys());
    expect((await owner('PUT', '', { mode: 'live' })).body.mode).toBe('live');
    const paid = await pay(given.shop, { amount: 10000, authCode: codeOf('wechat', '1') });
    expect(paid.body).toMatchObject({ status: 'succeeded', provider: 'wechat' });
    const trades = given.provider.records.all().trades;
    expect(trades.find((t) => t.transactionId === paid.body.transactionId)).toMatchObject({ amount: 10000 });

    // Only WeChat Pay's keys are saved: an Alipay code is refused before anything is written.
    const alipay = await pay(given.shop, { amount: 10000, authCode: codeOf('alipay', '1') });
    expect(alipay.status).toBe(422);
    expect(Object.keys(alipay.body.error.fields)).toEqual(['body.authCode']);

    // A customer still confirming: the payment stays with the provider that has it.
    const waiting = await pay(given.shop, { amount: 5000, authCode: codeOf('wechat', '3') });
    expect(waiting.body.status).toBe('pending');
    expect((await owner('PUT', '', { mode: 'simulator' })).status).toBe(409);
    expect((await owner('DELETE', '/wechat')).status).toBe(409);
    expect((await owner('PUT', '/wechat', { ...wechatKeys(), mchid: '1900000999' })).status).toBe(409);
    expect((await owner('GET', '')).body).toMatchObject({ mode: 'live', wechat: { mchid: '1900000109' } });
    expect(
      (
        await call(given.shop.store, 'POST', `/api/payments/${waiting.body.id}/cancel`, {
          token: given.shop.cashier.token,
        })
      ).status,
    ).toBe(200);
    expect((await owner('PUT', '', { mode: 'off' })).body.mode).toBe('off');
  });
});

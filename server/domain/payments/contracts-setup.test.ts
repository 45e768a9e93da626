import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { call } from '../../testing/client.js';
import { gatewaysOf } from './gateways.js';
import { codeOf, pay, setupBench } from './test-payments.js';
import { UpayGateway } from './upay.js';
import { WechatV2Gateway } from './wechat-v2.js';

/**
 * 收款设置 for a merchant with WeChat Pay v2 keys only, or a 收钱吧 terminal: saved, never shown
 * again, tried with 测试连接 against a provider that checks the signature, and used live.
 */
const given = setupBench();

const owner = (method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, body?: unknown) =>
  call(given.shop.store, method, `/api/payments/setup${path}`, { token: given.shop.owner, body });

const v2Keys = () => {
  const w = given.provider.keys.wechat;
  return {
    mchid: w.mchid,
    appid: w.appid,
    apiKey: given.provider.keys.wechatV2.apiKey,
    cert: given.provider.keys.wechatV2.cert,
    privateKey: w.merchant.privateKey,
    endpoint: `${given.provider.url}/`,
  };
};

const upayKeys = () => ({
  terminalSn: given.provider.keys.upay.terminalSn,
  terminalKey: given.provider.keys.upay.terminalKey,
  endpoint: `${given.provider.url}/`,
});

describe('收款设置: WeChat Pay v2 keys', { timeout: 90_000 }, () => {
  it('saves them, never shows a key, tests them, and refuses a certificate of another key', async () => {
    const stranger = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const bad = await owner('PUT', '/wechatV2', {
      ...v2Keys(),
      privateKey: stranger.privateKey,
      apiKey: 'short',
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['body.apiKey', 'body.cert']);
    const notCert = await owner('PUT', '/wechatV2', { ...v2Keys(), cert: 'MIIB' });
    expect(Object.keys(notCert.body.error.fields)).toEqual(['body.cert']);

    const saved = await owner('PUT', '/wechatV2', v2Keys());
    expect(saved.status).toBe(200);
    expect(saved.body.wechatV2).toMatchObject({
      mchid: given.provider.keys.wechat.mchid,
      signType: 'HMAC-SHA256',
    });
    const shown = JSON.stringify((await owner('GET', '')).body);
    expect(shown).not.toContain(given.provider.keys.wechatV2.apiKey);
    expect(shown).not.toContain('PRIVATE KEY');

    expect((await owner('POST', '/wechatV2/test')).body).toMatchObject({ ok: true, provider: 'wechatV2' });
    // MD5 signing works the same.
    await owner('PUT', '/wechatV2', { ...v2Keys(), signType: 'MD5' });
    expect((await owner('POST', '/wechatV2/test')).body).toMatchObject({ ok: true });
  });

  it('a wrong API key: 测试连接 says the provider refused the signature', async () => {
    await owner('PUT', '/wechatV2', { ...v2Keys(), apiKey: 'x'.repeat(32) });
    expect((await owner('POST', '/wechatV2/test')).body).toMatchObject({
      ok: false,
      provider: 'wechatV2',
      why: 'signature_refused',
    });
  });

  it('answers signed with another key do not verify', async () => {
    await owner('PUT', '/wechatV2', v2Keys());
    given.provider.forgeAnswers = true;
    try {
      expect((await owner('POST', '/wechatV2/test')).body).toMatchObject({
        ok: false,
        why: 'answer_unsigned',
      });
    } finally {
      given.provider.forgeAnswers = false;
    }
  });

  it('live with v2 keys only: a WeChat code is paid through micropay', async () => {
    await owner('PUT', '/wechatV2', v2Keys());
    expect((await owner('PUT', '', { mode: 'live' })).status).toBe(200);
    expect((await gatewaysOf(given.shop.store.ctx)).byProvider.wechat).toBeInstanceOf(WechatV2Gateway);
    const paid = await pay(given.shop, { amount: 1000, authCode: codeOf('wechat', '1') });
    expect(paid.body).toMatchObject({ status: 'succeeded', provider: 'wechat' });
  });
});

describe('收款设置: a 收钱吧 terminal', { timeout: 90_000 }, () => {
  it('saves it, tests it; a wrong terminal key is refused by 收钱吧', async () => {
    const bad = await owner('PUT', '/upay', { ...upayKeys(), terminalSn: 'T-1' });
    expect(Object.keys(bad.body.error.fields)).toEqual(['body.terminalSn']);
    const saved = await owner('PUT', '/upay', upayKeys());
    expect(saved.body.upay).toMatchObject({ terminalSn: given.provider.keys.upay.terminalSn });
    expect(JSON.stringify(saved.body)).not.toContain(given.provider.keys.upay.terminalKey);
    expect((await owner('POST', '/upay/test')).body).toMatchObject({ ok: true, provider: 'upay' });

    await owner('PUT', '/upay', { ...upayKeys(), terminalKey: 'f'.repeat(32) });
    expect((await owner('POST', '/upay/test')).body).toMatchObject({
      ok: false,
      provider: 'upay',
      why: 'signature_refused',
    });
  });

  it('live with 收钱吧: both wallets go through it, the payment keeps the wallet of its code', async () => {
    await owner('PUT', '/upay', upayKeys());
    expect((await owner('PUT', '', { mode: 'live' })).status).toBe(200);
    const { byProvider } = await gatewaysOf(given.shop.store.ctx);
    expect(byProvider.wechat).toBeInstanceOf(UpayGateway);
    expect(byProvider.alipay).toBeInstanceOf(UpayGateway);
    const alipay = await pay(given.shop, { amount: 1000, authCode: codeOf('alipay', '1') });
    expect(alipay.body).toMatchObject({ status: 'succeeded', provider: 'alipay' });
    const trade = given.provider.records
      .all()
      .trades.find((t) => t.transactionId === alipay.body.transactionId);
    expect(trade?.provider).toBe('alipay');

    // Removing the terminal leaves no keys: live turns off.
    expect((await owner('DELETE', '/upay')).body).toMatchObject({ mode: 'off' });
  });
});

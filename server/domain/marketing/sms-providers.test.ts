import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../testing/client.js';
import { FakeAliyunSms } from '../../testing/fake-aliyun-sms.js';
import { FakeTencentSms } from '../../testing/fake-tencent-sms.js';
import { openShop, type Shop } from '../sales/test-shop.js';
import { marketingWorker } from './marketing-worker.js';
import { useSmsEndpoints } from './sms-provider.js';

/**
 * SMS through Alibaba Cloud and Tencent Cloud with their official SDKs, against local fakes
 * of the providers' HTTP APIs that check every request's signature (ACS3-HMAC-SHA256,
 * TC3-HMAC-SHA256): a 群发 with the approved template and the member's name, delivery
 * receipts into the outbox, and a 退订 reply withdrawing the member's SMS consent.
 */
let shop: Shop;
const aliyun = new FakeAliyunSms({
  id: 'LTAI5tFakeKeyId01',
  secret: 'ali-secret-abcdef',
  signName: '衣架服装',
});
const tencent = new FakeTencentSms({
  id: 'AKIDfakeSecretId0001',
  secret: 'tc-secret-123456',
  appId: '1400000001',
  signName: '衣架服装',
});
const phones = { wang: '13900000001', li: '13900000002', zhao: '13900000003' };
const ids: Record<string, string> = {};

beforeAll(async () => {
  await Promise.all([aliyun.start(), tencent.start()]);
  shop = await openShop();
  await marketingWorker(shop.store.ctx)?.stop();
  for (const [name, phone] of Object.entries(phones)) {
    const made = await call(shop.store, 'POST', '/api/members', {
      token: shop.owner,
      body: {
        phone,
        name: { wang: '王芳', li: '李娜', zhao: '赵敏' }[name],
        tags: ['短信'],
        consentMarketing: { sms: true },
      },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    ids[name] = made.body.id;
  }
  const price = await call(shop.store, 'PUT', '/api/marketing/settings', {
    token: shop.owner,
    body: { smsPriceFen: 5, capCount: 10 },
  });
  expect(price.status, JSON.stringify(price.body)).toBe(200);
});
afterAll(async () => {
  useSmsEndpoints(shop.store.ctx, null);
  await shop.store.close();
  await Promise.all([aliyun.stop(), tencent.stop()]);
});

const owner = (method: string, path: string, body?: unknown) =>
  call(shop.store, method, path, { token: shop.owner, ...(body !== undefined && { body }) });
const outboxRows = () =>
  shop.store.ctx.storage.db
    .selectFrom('campaign_outbox')
    .select(['payload', 'status', 'error', 'provider_ref'])
    .where('channel', '=', 'sms')
    .execute();
const refOf = async (phone: string) =>
  (await outboxRows()).filter((row) => JSON.parse(row.payload).to === phone).at(-1)?.provider_ref ?? '';
const consentOf = async (id: string) =>
  (await owner('GET', `/api/members/${id}`)).body.consents.sms?.given as boolean | undefined;
const TEMPLATE = '{{name}}您好，春季新品到店，凭短信享9折。';

describe('Alibaba Cloud SMS', () => {
  it('is configured with the key id, the secret (never shown back) and the 签名', async () => {
    useSmsEndpoints(shop.store.ctx, { protocol: 'http', aliyun: aliyun.endpoint, tencent: tencent.endpoint });
    const noSecret = await owner('PUT', '/api/marketing/channels/sms/provider', {
      provider: 'aliyun',
      accessKeyId: 'LTAI5tFakeKeyId01',
      signName: '衣架服装',
    });
    expect(noSecret.body.error?.fields).toEqual({ 'body.secret': 'required' });
    const set = await owner('PUT', '/api/marketing/channels/sms/provider', {
      provider: 'aliyun',
      accessKeyId: 'LTAI5tFakeKeyId01',
      signName: '衣架服装',
      secret: 'ali-secret-abcdef',
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body).toMatchObject({
      channel: 'sms',
      configured: true,
      hasToken: true,
      provider: { provider: 'aliyun', keyId: 'LTAI****Id01', signName: '衣架服装' },
    });
    const list = await owner('GET', '/api/marketing/channels');
    expect(JSON.stringify(list.body)).not.toContain('ali-secret-abcdef');
    expect(JSON.stringify(list.body)).not.toContain('LTAI5tFakeKeyId01');
  });

  it('previews a 群发: recipients, the message with the name, the SMS count and cost', async () => {
    const preview = await owner('POST', '/api/campaigns/preview', {
      channel: 'sms',
      template: TEMPLATE,
      definition: { tags: ['短信'] },
    });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body).toMatchObject({
      provider: 'aliyun',
      segmentSize: 3,
      recipients: 3,
      withoutConsent: 0,
      sms: { parts: 3, priceFen: 5, costFen: 15 },
    });
    // The sample's order is the database's (PostgreSQL keeps none): find her by name.
    expect(preview.body.sample.find((m: { name: string }) => m.name === '王芳')).toEqual({
      name: '王芳',
      text: '【衣架服装】王芳您好，春季新品到店，凭短信享9折。回T退订',
      sms: 1,
    });
  });

  it('sends the approved template with the member’s name, signed; receipts and a 退订 reply come back', async () => {
    const noCode = await owner('POST', '/api/campaigns', {
      name: '春季上新',
      channel: 'sms',
      template: TEMPLATE,
      definition: { tags: ['短信'] },
    });
    expect(noCode.body.error?.fields).toHaveProperty('body.templateCode');
    const sent = await owner('POST', '/api/campaigns', {
      name: '春季上新',
      channel: 'sms',
      template: TEMPLATE,
      templateCode: 'SMS_465000001',
      definition: { tags: ['短信'] },
    });
    expect(sent.body).toMatchObject({ queued: 3 });
    const delivered = await owner('POST', '/api/marketing/outbox/deliver', {});
    expect(delivered.body).toMatchObject({ attempted: 3, sent: 3 });
    const sends = aliyun.calls.filter((c) => c.action === 'SendSms');
    expect(sends.map((c) => c.params)).toContainEqual(
      expect.objectContaining({
        PhoneNumbers: phones.wang,
        SignName: '衣架服装',
        TemplateCode: 'SMS_465000001',
        TemplateParam: '{"name":"王芳"}',
      }),
    );
    expect(aliyun.refused).toEqual([]);

    aliyun.report(await refOf(phones.wang), true);
    aliyun.report(await refOf(phones.li), false, 'MK:0001');
    const pulled = await owner('POST', '/api/marketing/sms/pull', {});
    expect(pulled.body).toEqual({ receipts: 2, withdrawn: 0 });
    const rows = await outboxRows();
    const byPhone = (phone: string) => rows.find((r) => JSON.parse(r.payload).to === phone);
    expect(byPhone(phones.wang)).toMatchObject({ status: 'delivered', error: null });
    expect(byPhone(phones.li)).toMatchObject({ status: 'failed', error: 'receipt: MK:0001' });
    expect(byPhone(phones.zhao)).toMatchObject({ status: 'sent' });
    const failed = await owner('GET', '/api/marketing/outbox?status=delivered');
    expect(failed.body.counts).toMatchObject({ delivered: 1, failed: 1, sent: 1 });

    // Alibaba pushes replies to the store's secret address.
    const path = (await owner('GET', '/api/marketing/channels')).body.items[0].provider.replyPath as string;
    const wrong = await call(
      shop.store,
      'POST',
      '/api/marketing/sms/replies/0123456789abcdef0123456789abcdef',
      {
        body: [
          {
            phone_number: phones.zhao,
            content: 'TD',
            send_time: '2026-12-05 10:00:00',
            dest_code: '',
            sequence_id: 1,
          },
        ],
      },
    );
    expect(wrong.status).toBe(404);
    expect(await consentOf(ids.zhao ?? '')).toBe(true);
    const pushed = await call(shop.store, 'POST', path, {
      body: [
        {
          phone_number: phones.zhao,
          content: ' td ',
          send_time: '2026-12-05 10:00:00',
          dest_code: '',
          sequence_id: 2,
        },
        {
          phone_number: phones.wang,
          content: '好的，谢谢',
          send_time: '2026-12-05 10:00:00',
          dest_code: '',
          sequence_id: 3,
        },
      ],
    });
    expect(pushed.body).toEqual({ code: 0, msg: '成功' });
    expect(await consentOf(ids.zhao ?? '')).toBe(false);
    expect(await consentOf(ids.wang ?? '')).toBe(true);
    const audit = await owner('GET', '/api/audit?kind=member.consent_withdrawn');
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        subject: { type: 'member', id: ids.zhao },
        detail: { channel: 'sms', via: 'reply', reply: ' td ' },
      }),
    ]);
  });

  it('an automatic campaign names the approved template: refused without it, sent with it and its variables', async () => {
    // Her birthday is today in Shanghai, where the shop is.
    const today = new Date(shop.store.clock.now().getTime() + 8 * 3_600_000).toISOString().slice(5, 10);
    const joined = await owner('POST', '/api/members', {
      phone: '13900000004',
      name: '孙丽',
      birthday: today,
      consentMarketing: { sms: true },
    });
    expect(joined.status, JSON.stringify(joined.body)).toBe(201);
    const trigger = {
      enabled: true,
      days: 7,
      channel: 'sms',
      template: '{{name}}，生日快乐！到店享生日礼。',
    };
    const noCode = await owner('PUT', '/api/marketing/triggers/birthday', trigger);
    expect(noCode.status).toBe(400);
    expect(noCode.body.error.fields).toHaveProperty('body.templateCode');
    const saved = await owner('PUT', '/api/marketing/triggers/birthday', {
      ...trigger,
      templateCode: 'SMS_465000003',
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body).toMatchObject({ enabled: true, templateCode: 'SMS_465000003' });

    const ran = await owner('POST', '/api/marketing/triggers/run', {});
    expect(ran.body.results.birthday).toMatchObject({ queued: 1 });
    const delivered = await owner('POST', '/api/marketing/outbox/deliver', {});
    expect(delivered.body).toMatchObject({ attempted: 1, sent: 1 });
    expect(aliyun.calls.filter((c) => c.action === 'SendSms').at(-1)?.params).toMatchObject({
      PhoneNumbers: '13900000004',
      SignName: '衣架服装',
      TemplateCode: 'SMS_465000003',
      TemplateParam: '{"name":"孙丽"}',
    });
    expect(aliyun.refused).toEqual([]);
    // Switched off, it needs no code.
    const off = await owner('PUT', '/api/marketing/triggers/birthday', { ...trigger, enabled: false });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
  });

  it('a wrong secret is refused by the provider’s signature check, and the message is retried', async () => {
    await owner('PUT', '/api/marketing/channels/sms/provider', {
      provider: 'aliyun',
      accessKeyId: 'LTAI5tFakeKeyId01',
      signName: '衣架服装',
      secret: 'not-the-secret',
    });
    await owner('POST', '/api/marketing/test-send', {
      channel: 'sms',
      to: '13900000009',
      template: '{{name}}，测试',
      templateCode: 'SMS_465000002',
    });
    expect(aliyun.refused).toContain('SignatureDoesNotMatch');
    const queued = await owner('GET', '/api/marketing/outbox?status=queued');
    expect(queued.body.messages[0].error).toContain('SignatureDoesNotMatch');
  });
});

describe('Tencent Cloud SMS', () => {
  it('sends signed (TC3-HMAC-SHA256); pulls receipts and a 退订 reply', async () => {
    await shop.store.ctx.storage.write((trx) => trx.deleteFrom('campaign_outbox').execute());
    const set = await owner('PUT', '/api/marketing/channels/sms/provider', {
      provider: 'tencent',
      secretId: 'AKIDfakeSecretId0001',
      sdkAppId: '1400000001',
      signName: '衣架服装',
      secret: 'tc-secret-123456',
    });
    expect(set.body).toMatchObject({
      provider: {
        provider: 'tencent',
        keyId: 'AKID****0001',
        sdkAppId: '1400000001',
        region: 'ap-guangzhou',
      },
    });
    expect(set.body.provider.replyPath).toBeUndefined();
    const agent = tencent.agent;
    useSmsEndpoints(shop.store.ctx, {
      protocol: 'http',
      aliyun: aliyun.endpoint,
      tencent: tencent.endpoint,
      agent,
    });

    const sent = await owner('POST', '/api/campaigns', {
      name: '周末活动',
      channel: 'sms',
      template: '{{name}}，您有{{points}}积分可用，周末到店双倍积分。',
      templateCode: '2345678',
      definition: { tags: ['短信'] },
    });
    // 赵敏 withdrew her consent above.
    expect(sent.body).toMatchObject({ queued: 2, withoutConsent: 1 });
    const delivered = await owner('POST', '/api/marketing/outbox/deliver', {});
    expect(delivered.body).toMatchObject({ attempted: 2, sent: 2 });
    expect(tencent.refused).toEqual([]);
    expect(tencent.calls.filter((c) => c.action === 'SendSms').map((c) => c.params)).toContainEqual(
      expect.objectContaining({
        PhoneNumberSet: [`+86${phones.wang}`],
        SmsSdkAppId: '1400000001',
        SignName: '衣架服装',
        TemplateId: '2345678',
        TemplateParamSet: ['王芳', '0'],
      }),
    );

    tencent.report(await refOf(phones.wang), true);
    tencent.report(await refOf(phones.li), false, 'MK:0005');
    tencent.reply(phones.li, '退订');
    const pulled = await owner('POST', '/api/marketing/sms/pull', {});
    expect(pulled.body).toEqual({ receipts: 2, withdrawn: 1 });
    const rows = await outboxRows();
    expect(rows.map((r) => [JSON.parse(r.payload).to, r.status, r.error]).sort()).toEqual([
      [phones.wang, 'delivered', null],
      [phones.li, 'failed', 'receipt: MK:0005'],
    ]);
    expect(await consentOf(ids.li ?? '')).toBe(false);
    expect(await consentOf(ids.wang ?? '')).toBe(true);
  });

  it('a wrong SecretKey is refused by the signature check', async () => {
    await owner('PUT', '/api/marketing/channels/sms/provider', {
      provider: 'tencent',
      secretId: 'AKIDfakeSecretId0001',
      sdkAppId: '1400000001',
      signName: '衣架服装',
      secret: 'wrong-secret-0000',
    });
    await owner('POST', '/api/marketing/test-send', {
      channel: 'sms',
      to: '13900000009',
      template: '{{name}}，测试',
      templateCode: 'SMS_465000002',
    });
    expect(tencent.refused).toContain('AuthFailure.SignatureFailure');
  });
});

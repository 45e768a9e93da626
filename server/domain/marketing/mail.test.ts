import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../testing/client.js';
import { FakeSmtpServer } from '../../testing/fake-smtp.js';
import { openShop, type Shop } from '../sales/test-shop.js';
import { MailError, sendMail } from './mail.js';
import { marketingWorker } from './marketing-worker.js';

/** The e-mail channel (nodemailer) against a local smtp-server that requires STARTTLS and a sign-in. */
let smtp: FakeSmtpServer;
let shop: Shop;
const account = { user: 'shop@example.com', password: 'mail-secret-1' };
const settings = () => ({
  host: 'localhost',
  port: smtp.port,
  security: 'starttls' as const,
  username: account.user,
  from: 'shop@example.com',
  ca: smtp.cert,
});

beforeAll(async () => {
  smtp = new FakeSmtpServer(account);
  await smtp.start();
  shop = await openShop();
  // Delivery by hand here, to see each attempt.
  await marketingWorker(shop.store.ctx)?.stop();
});
afterAll(async () => {
  await shop.store.close();
  await smtp.stop();
});

describe('mail sender', () => {
  it('sends a UTF-8 message over STARTTLS after signing in, checking the certificate', async () => {
    await sendMail(
      { ...settings(), fromName: '我的服装店' },
      account.password,
      { to: 'wang@example.com', subject: '春季上新', text: '王芳，您好！\n.新品到店' },
      { ca: smtp.cert },
    );
    const [mail] = smtp.received;
    expect(mail).toMatchObject({
      from: 'shop@example.com',
      to: 'wang@example.com',
      subject: '春季上新',
      text: '王芳，您好！\n.新品到店',
      tls: true,
      user: account.user,
    });
    expect(mail?.raw).toMatch(/^From: =\?UTF-8\?[BQ]\?/m);
  });

  it('refuses an untrusted certificate, a wrong password and a password without TLS, saying why', async () => {
    await expect(
      sendMail(settings(), account.password, { to: 'a@example.com', subject: 's', text: 't' }, {}),
    ).rejects.toThrow(/certificate/i);
    await expect(
      sendMail(settings(), 'wrong', { to: 'a@example.com', subject: 's', text: 't' }, { ca: smtp.cert }),
    ).rejects.toThrow(/535/);
    await expect(
      sendMail({ ...settings(), security: 'none' }, account.password, {
        to: 'a@example.com',
        subject: 's',
        text: 't',
      }),
    ).rejects.toThrow(MailError);
    await expect(
      sendMail(settings(), account.password, { to: 'a@example.com\r\nBcc: x@y', subject: 's', text: 't' }),
    ).rejects.toThrow('to must be one line');
    smtp.flaky.add('later@example.com');
    await expect(
      sendMail(
        settings(),
        account.password,
        { to: 'later@example.com', subject: 's', text: 't' },
        { ca: smtp.cert },
      ),
    ).rejects.toThrow(/451/);
  });
});

describe('e-mail channel', () => {
  it('is configured by the owner; the password is never given back and kept when left out', async () => {
    const bad = await call(shop.store, 'PUT', '/api/marketing/channels/email', {
      token: shop.owner,
      body: { ...settings(), security: 'none', password: account.password },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual({ 'body.security': 'starttls or tls when signing in' });
    const set = await call(shop.store, 'PUT', '/api/marketing/channels/email', {
      token: shop.owner,
      body: { ...settings(), password: account.password },
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(JSON.stringify(set.body)).not.toContain(account.password);
    expect(set.body).toMatchObject({ channel: 'email', configured: true, hasPassword: true });
    const again = await call(shop.store, 'PUT', '/api/marketing/channels/email', {
      token: shop.owner,
      body: { ...settings(), fromName: '春季店' },
    });
    expect(again.body).toMatchObject({ hasPassword: true, smtp: { fromName: '春季店' } });
    const list = await call(shop.store, 'GET', '/api/marketing/channels', { token: shop.owner });
    expect(JSON.stringify(list.body)).not.toContain(account.password);
    expect(
      list.body.items.map((c: { channel: string; configured: boolean }) => [c.channel, c.configured]),
    ).toEqual([
      ['sms', false],
      ['wechat', false],
      ['email', true],
    ]);
  });

  it('a test send and a campaign reach the consenting members with an address; a refused address fails after its tries', async () => {
    smtp.received.length = 0;
    const test = await call(shop.store, 'POST', '/api/marketing/test-send', {
      token: shop.owner,
      body: { channel: 'email', to: 'owner@example.com', template: '{{name}}，{{points}} 积分' },
    });
    expect(test.status, JSON.stringify(test.body)).toBe(201);
    expect(test.body).toMatchObject({ status: 'sent', to: 'owner@example.com' });
    expect(smtp.received[0]).toMatchObject({ to: 'owner@example.com', text: '店主，100 积分' });

    const ids: string[] = [];
    for (const [phone, consent, email] of [
      ['13600000001', { email: true }, 'li@example.com'],
      ['13600000002', { email: true }, null],
      ['13600000003', { sms: true }, 'zhao@example.com'],
      ['13600000004', { email: true }, 'gone@example.com'],
    ] as const) {
      const made = await call(shop.store, 'POST', '/api/members', {
        token: shop.owner,
        body: {
          phone,
          name: `邮件${phone.slice(-1)}`,
          tags: ['邮件'],
          consentMarketing: consent,
          ...(email && { email }),
        },
      });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      ids.push(made.body.id);
    }
    const badEmail = await call(shop.store, 'PATCH', `/api/members/${ids[0]}`, {
      token: shop.owner,
      body: { email: 'nope' },
    });
    expect(badEmail.body.error.fields).toEqual({ 'body.email': 'not a valid e-mail address' });
    smtp.refuse.add('gone@example.com');
    const sent = await call(shop.store, 'POST', '/api/campaigns', {
      token: shop.owner,
      body: {
        name: '邮件上新',
        channel: 'email',
        template: '{{name}} 新品到店',
        definition: { tags: ['邮件'] },
      },
    });
    expect(sent.body).toMatchObject({ segmentSize: 4, withoutConsent: 1, withoutAddress: 1, queued: 2 });
    const first = await call(shop.store, 'POST', '/api/marketing/outbox/deliver', {
      token: shop.owner,
      body: {},
    });
    expect(first.body).toMatchObject({ attempted: 2, sent: 1, retrying: 1 });
    expect(smtp.received.at(-1)).toMatchObject({
      to: 'li@example.com',
      subject: '邮件上新',
      text: '邮件1 新品到店',
    });
    for (const minutes of [1, 5]) {
      shop.store.clock.advance(minutes * 60_000);
      await call(shop.store, 'POST', '/api/marketing/outbox/deliver', { token: shop.owner, body: {} });
    }
    const failed = await call(shop.store, 'GET', '/api/marketing/outbox?status=failed', {
      token: shop.owner,
    });
    expect(failed.body.messages).toEqual([
      expect.objectContaining({
        to: 'gone@example.com',
        attempts: 3,
        error: expect.stringContaining('550'),
        campaign: '邮件上新',
      }),
    ]);
    const file = await call(shop.store, 'GET', `/api/campaigns/${sent.body.id}/messages`, {
      token: shop.owner,
    });
    expect(file.body.rows.map((r: { email: string; status: string }) => [r.email, r.status])).toEqual([
      ['li@example.com', 'sent'],
      ['gone@example.com', 'failed'],
    ]);
  });
});

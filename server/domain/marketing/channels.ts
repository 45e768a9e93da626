import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { type ChannelView, SMTP_SECURITY, type SmtpSettings } from '../../protocol/campaigns.js';
import { CHANNELS, type Channel } from '../../protocol/members.js';
import { recordAudit } from '../audit/service.js';
import {
  maskKey,
  PROVIDER_ENDPOINTS,
  type SmsProvider,
  SmsProviderError,
  type SmsProviderSettings,
  smsEndpoints,
  smsProviderSettings,
} from './sms-provider.js';

/**
 * Channel adapters: where a channel's messages go once the owner configured it. SMS goes to
 * Alibaba Cloud or Tencent Cloud through their SDKs, or like WeChat as JSON to an HTTP gateway;
 * e-mail goes to an SMTP server. Secrets (the provider's key secret, the gateway's token, the
 * SMTP password) are stored for the server alone and never given back.
 */

export const smtpSettings = z.strictObject({
  host: z
    .string()
    .trim()
    .min(1)
    .max(253)
    .regex(/^[A-Za-z0-9.:[\]-]+$/, 'a host name or address'),
  port: z.number().int().min(1).max(65535),
  security: z.enum(SMTP_SECURITY),
  username: z.string().trim().min(1).max(200).optional(),
  from: z.email().max(254),
  fromName: z.string().trim().min(1).max(60).optional(),
  /** A certificate (PEM) to trust besides the system's, for a mail server on the LAN with its own. */
  ca: z.string().trim().max(20_000).startsWith('-----BEGIN CERTIFICATE-----').optional(),
});

/** An SMS provider as stored: the owner's settings and, for Alibaba, the key of its reply push address. */
const storedProvider = z.intersection(
  smsProviderSettings,
  z.object({
    replyKey: z
      .string()
      .regex(/^[0-9a-f]{32}$/)
      .optional(),
  }),
);
export type StoredProvider = z.output<typeof storedProvider>;

/** A channel as the owner configured it, with the secret. */
export interface ChannelConfig {
  channel: Channel;
  url: string;
  token: string | null;
  smtp: (SmtpSettings & { ca?: string | undefined }) | null;
  /** SMS through a provider's SDK instead of the HTTP gateway. */
  provider: StoredProvider | null;
  updatedAt: string;
}

/** For a provider: the approved template's code and its variables, in the order they appear. */
export interface TemplateUse {
  templateCode: string;
  params: [string, string][];
}

export async function channelConfigs(ctx: AppContext): Promise<ChannelConfig[]> {
  const rows = await ctx.storage.db
    .selectFrom('marketing_channels')
    .selectAll()
    .where('store_id', '=', ctx.store.id)
    .execute();
  return rows
    .filter((row) => (CHANNELS as readonly string[]).includes(row.channel))
    .map((row) => ({
      channel: row.channel as Channel,
      url: row.url,
      token: row.token,
      smtp: row.channel === 'email' && row.settings ? smtpSettings.parse(JSON.parse(row.settings)) : null,
      provider: row.channel === 'sms' && row.settings ? storedProvider.parse(JSON.parse(row.settings)) : null,
      updatedAt: row.updated_at,
    }));
}

export async function channelConfig(ctx: AppContext, channel: Channel) {
  return (await channelConfigs(ctx)).find((c) => c.channel === channel);
}

/** A gateway address as shown back: no user or password, query values hidden. */
function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    for (const key of [...parsed.searchParams.keys()]) parsed.searchParams.set(key, '***');
    return parsed.toString();
  } catch {
    return '';
  }
}

/** Every channel for the admin page: configured or not, never a secret. */
export async function listChannels(ctx: AppContext): Promise<{ items: ChannelView[] }> {
  const found = await channelConfigs(ctx);
  return {
    items: CHANNELS.map((channel) => {
      const config = found.find((c) => c.channel === channel);
      if (!config) return { channel, configured: false };
      if (config.provider) {
        const p = config.provider;
        return {
          channel,
          configured: true,
          provider: {
            provider: p.provider,
            keyId: maskKey(p.provider === 'aliyun' ? p.accessKeyId : p.secretId),
            signName: p.signName,
            ...(p.provider === 'tencent' && { sdkAppId: p.sdkAppId, region: p.region }),
            ...(p.replyKey && { replyPath: `/api/marketing/sms/replies/${p.replyKey}` }),
          },
          hasToken: config.token !== null,
          updatedAt: config.updatedAt,
        };
      }
      return channel === 'email'
        ? {
            channel,
            configured: true,
            smtp: config.smtp,
            hasPassword: config.token !== null,
            updatedAt: config.updatedAt,
          }
        : {
            channel,
            configured: true,
            url: shownUrl(config.url),
            hasToken: config.token !== null,
            updatedAt: config.updatedAt,
          };
    }),
  };
}

async function store(
  ctx: AppContext,
  staffId: string | null,
  channel: Channel,
  url: string,
  token: string | null | undefined,
  settings: string | null,
) {
  const at = ctx.now().toISOString();
  await ctx.storage.write(async (trx) => {
    const before = await trx
      .selectFrom('marketing_channels')
      .select('token')
      .where('store_id', '=', ctx.store.id)
      .where('channel', '=', channel)
      .executeTakeFirst();
    // Left out: keep the secret the owner gave before; null: remove it.
    const secret = token === undefined ? (before?.token ?? null) : token;
    await trx
      .insertInto('marketing_channels')
      .values({ store_id: ctx.store.id, channel, url, token: secret, settings, updated_at: at })
      .onConflict((oc) =>
        oc.columns(['store_id', 'channel']).doUpdateSet({ url, token: secret, settings, updated_at: at }),
      )
      .execute();
    // Which channel and where to, never the secret.
    await recordAudit(trx, ctx, {
      kind: 'marketing.channel_set',
      staffId,
      subjectType: 'channel',
      subjectId: channel,
      detail: { url, secretChanged: token !== undefined },
    });
  });
  return (await listChannels(ctx)).items.find((item) => item.channel === channel);
}

/** SMS or WeChat: the gateway's URL and an optional bearer token (left out: kept; null: removed). */
export async function setGateway(
  ctx: AppContext,
  staffId: string | null,
  channel: Exclude<Channel, 'email'>,
  url: string,
  token: string | null | undefined,
) {
  const parsed = new URL(url);
  if (parsed.username || parsed.password) {
    throw new ApiError('validation_failed', 'Put the secret in token, not in the address.', {
      'body.url': 'no user or password in the address',
    });
  }
  return store(ctx, staffId, channel, url, token, null);
}

/** E-mail: the SMTP server, sender and sign-in (the password left out: kept; null: removed). */
export async function setSmtp(
  ctx: AppContext,
  staffId: string | null,
  settings: z.output<typeof smtpSettings>,
  password: string | null | undefined,
) {
  if (settings.username && settings.security === 'none') {
    throw new ApiError('validation_failed', 'A password is sent only over TLS.', {
      'body.security': 'starttls or tls when signing in',
    });
  }
  const scheme = settings.security === 'tls' ? 'smtps' : 'smtp';
  return store(
    ctx,
    staffId,
    'email',
    `${scheme}://${settings.host}:${settings.port}`,
    password,
    JSON.stringify(settings),
  );
}

/**
 * SMS through Alibaba Cloud or Tencent Cloud: the keys, the 签名 and (Tencent) the SMS app;
 * the secret left out: kept (it must have been given once). Alibaba pushes replies to a
 * secret address made here once and kept.
 */
export async function setSmsProvider(
  ctx: AppContext,
  staffId: string | null,
  settings: SmsProviderSettings,
  secret: string | undefined,
) {
  const before = await channelConfig(ctx, 'sms');
  if (secret === undefined && !(before?.provider?.provider === settings.provider && before.token)) {
    throw new ApiError('validation_failed', 'The provider needs its key secret.', {
      'body.secret': 'required',
    });
  }
  const replyKey =
    settings.provider === 'aliyun'
      ? (before?.provider?.replyKey ?? randomBytes(16).toString('hex'))
      : undefined;
  const url = `https://${PROVIDER_ENDPOINTS[settings.provider]}/`;
  return store(
    ctx,
    staffId,
    'sms',
    url,
    secret,
    JSON.stringify({ ...settings, ...(replyKey && { replyKey }) }),
  );
}

/** The SDK client for a provider channel; each SDK is loaded when first used, not at every server start. */
export async function providerFor(ctx: AppContext, config: ChannelConfig): Promise<SmsProvider | null> {
  const p = config.provider;
  if (!p || !config.token) return null;
  return p.provider === 'aliyun'
    ? (await import('./sms-aliyun.js')).aliyunSms(p, config.token, smsEndpoints(ctx))
    : (await import('./sms-tencent.js')).tencentSms(p, config.token, smsEndpoints(ctx));
}

export async function removeChannel(ctx: AppContext, channel: Channel) {
  await ctx.storage.write((trx) =>
    trx
      .deleteFrom('marketing_channels')
      .where('store_id', '=', ctx.store.id)
      .where('channel', '=', channel)
      .execute(),
  );
  return { channel, configured: false };
}

/** The JSON a channel's message carries in the outbox (SMS: with the template code for a provider). */
export function payloadFor(
  channel: Channel,
  to: { phone: string | null; code: string; name: string; email?: string | null },
  body: string,
  subject: string,
  template?: TemplateUse,
): string {
  if (channel === 'sms') return JSON.stringify({ to: to.phone, text: body, ...template });
  if (channel === 'email') return JSON.stringify({ to: to.email ?? null, subject, text: body });
  return JSON.stringify({ touser: to.code, text: body, memberName: to.name });
}

async function post(config: ChannelConfig, payload: string): Promise<string | null> {
  try {
    const reply = await fetch(config.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(config.token && { authorization: `Bearer ${config.token}` }),
      },
      body: payload,
      signal: AbortSignal.timeout(5000),
    });
    return reply.ok ? null : `gateway answered ${reply.status}`;
  } catch (error) {
    return error instanceof Error ? error.message : 'gateway unreachable';
  }
}

/** What became of a message handed to its channel: null error when taken; an SMS provider's id of it. */
export interface Dispatched {
  error: string | null;
  ref?: string;
}

async function sendSms(ctx: AppContext, config: ChannelConfig, payload: string, outId: string) {
  const provider = await providerFor(ctx, config);
  if (!provider) return { error: 'the SMS provider has no key secret' };
  const sms = JSON.parse(payload) as { to: string | null } & Partial<TemplateUse>;
  if (!sms.to) return { error: 'no phone number' };
  if (!sms.templateCode) return { error: 'no approved template code for the SMS provider' };
  try {
    const ref = await provider.send({
      to: sms.to,
      templateCode: sms.templateCode,
      params: sms.params ?? [],
      outId,
    });
    return { error: null, ref };
  } catch (error) {
    return { error: error instanceof SmsProviderError ? error.message : 'SMS provider unreachable' };
  }
}

/** Hands one outbox message (`outId`) to its channel. */
export async function dispatch(
  ctx: AppContext,
  config: ChannelConfig | undefined,
  payload: string,
  outId: string,
): Promise<Dispatched> {
  if (!config) return { error: 'no gateway configured for the channel' };
  if (config.provider) return sendSms(ctx, config, payload, outId);
  if (config.channel !== 'email') return { error: await post(config, payload) };
  if (!config.smtp) return { error: 'the e-mail channel has no SMTP settings' };
  const mail = JSON.parse(payload) as { to: string | null; subject?: string; text: string };
  if (!mail.to) return { error: 'no e-mail address' };
  try {
    const { sendMail } = await import('./mail.js');
    await sendMail(
      { ...config.smtp, fromName: config.smtp.fromName ?? ctx.store.name },
      config.token,
      { to: mail.to, subject: mail.subject ?? ctx.store.name, text: mail.text },
      { timeoutMs: 15_000, ca: config.smtp.ca },
    );
    return { error: null };
  } catch (error) {
    return { error: error instanceof Error ? error.message : 'mail server unreachable' };
  }
}

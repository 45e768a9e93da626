import { type ApiAuth, call } from './http.js';

/** Campaign channels, delivery, automatic triggers and the outbox (`/api/marketing/*`). */
export const CHANNELS = ['sms', 'wechat', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];
export const SMTP_SECURITY = ['starttls', 'tls', 'none'] as const;
export type SmtpSecurity = (typeof SMTP_SECURITY)[number];

export interface SmtpSettings {
  host: string;
  port: number;
  security: SmtpSecurity;
  username?: string;
  from: string;
  fromName?: string;
  ca?: string;
}

/** A channel as the server shows it: never a token or password, only whether one is kept. */
export interface ChannelView {
  channel: Channel;
  configured: boolean;
  url?: string;
  hasToken?: boolean;
  smtp?: SmtpSettings | null;
  hasPassword?: boolean;
  updatedAt?: string;
}

export async function listChannels(auth: ApiAuth): Promise<ChannelView[]> {
  return (await call<{ items: ChannelView[] }>(auth, 'GET', '/api/marketing/channels')).items;
}

/** SMS or WeChat gateway; `token` left out keeps the one stored. */
export function saveGateway(
  auth: ApiAuth,
  channel: 'sms' | 'wechat',
  url: string,
  token?: string,
): Promise<ChannelView> {
  return call(auth, 'PUT', `/api/marketing/channels/${channel}`, {
    body: { url, ...(token ? { token } : {}) },
  });
}

/** The SMTP server; `password` left out keeps the one stored. */
export function saveSmtp(auth: ApiAuth, settings: SmtpSettings, password?: string): Promise<ChannelView> {
  return call(auth, 'PUT', '/api/marketing/channels/email', {
    body: { ...settings, ...(password ? { password } : {}) },
  });
}

export const TRIGGER_KINDS = [
  'birthday',
  'dormant',
  'points_expiring',
  'tier_upgrade',
  'first_purchase',
] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

export interface Trigger {
  kind: TriggerKind;
  enabled: boolean;
  days: number | null;
  channel: Channel;
  template: string;
  couponTemplateId: string | null;
  updatedAt: string | null;
}

export interface TriggerList {
  items: Trigger[];
  days: Record<TriggerKind, { default: number; min: number; max: number } | null>;
  placeholders: string[];
}

export function listTriggers(auth: ApiAuth): Promise<TriggerList> {
  return call(auth, 'GET', '/api/marketing/triggers');
}

export function saveTrigger(
  auth: ApiAuth,
  kind: TriggerKind,
  trigger: Omit<Trigger, 'kind' | 'updatedAt'>,
): Promise<Trigger> {
  const { days, ...rest } = trigger;
  return call(auth, 'PUT', `/api/marketing/triggers/${kind}`, {
    body: { ...rest, ...(days === null ? {} : { days }) },
  });
}

export interface FireResult {
  candidates: number;
  already: number;
  withoutConsent: number;
  queued: number;
  exported: number;
  capped: number;
  coupons: number;
}

export function runTriggers(
  auth: ApiAuth,
): Promise<{ at: string; results: Partial<Record<TriggerKind, FireResult>> }> {
  return call(auth, 'POST', '/api/marketing/triggers/run', { body: {} });
}

export type OutboxStatus = 'queued' | 'sent' | 'failed';

export interface OutboxMessage {
  id: string;
  channel: Channel;
  to: string | null;
  body: string;
  campaignId: string | null;
  campaign: string | null;
  trigger: TriggerKind | null;
  member: { number: number; name: string } | null;
  status: OutboxStatus;
  attempts: number;
  error: string | null;
  createdAt: string;
  nextAttemptAt: string | null;
  sentAt: string | null;
}

export interface OutboxPage {
  status: OutboxStatus;
  counts: Record<OutboxStatus, number>;
  nextDueAt: string | null;
  messages: OutboxMessage[];
}

export function outbox(auth: ApiAuth, status: OutboxStatus, limit = 100): Promise<OutboxPage> {
  return call(auth, 'GET', '/api/marketing/outbox', { query: { status, limit } });
}

export function deliverNow(
  auth: ApiAuth,
): Promise<{ quiet: boolean; attempted: number; sent: number; retrying: number; failed: number }> {
  return call(auth, 'POST', '/api/marketing/outbox/deliver', { body: {} });
}

export function testSend(
  auth: ApiAuth,
  channel: Channel,
  to: string,
  template: string,
): Promise<OutboxMessage> {
  return call(auth, 'POST', '/api/marketing/test-send', { body: { channel, to, template } });
}

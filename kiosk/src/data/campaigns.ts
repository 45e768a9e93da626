import type {
  ChannelView,
  DeliveryResult,
  OutboxMessage,
  OutboxPage,
  OutboxStatus,
  SmtpSettings,
  TriggerConfig as Trigger,
  TriggerKind,
  TriggerList,
  TriggersRun,
} from '../../../server/protocol/campaigns.js';
import type { Channel } from '../../../server/protocol/members.js';
import { type ApiAuth, call } from './http.js';

export type {
  ChannelView,
  FireResult,
  OutboxMessage,
  OutboxPage,
  OutboxStatus,
  SmtpSecurity,
  SmtpSettings,
  TriggerConfig as Trigger,
  TriggerKind,
  TriggerList,
} from '../../../server/protocol/campaigns.js';
/** Campaign channels, delivery, automatic triggers and the outbox (`/api/marketing/*`). */
export { SMTP_SECURITY, TRIGGER_KINDS } from '../../../server/protocol/campaigns.js';
export type { Channel } from '../../../server/protocol/members.js';
export { CHANNELS } from '../../../server/protocol/members.js';

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

export function runTriggers(auth: ApiAuth): Promise<TriggersRun> {
  return call(auth, 'POST', '/api/marketing/triggers/run', { body: {} });
}

export function outbox(auth: ApiAuth, status: OutboxStatus, limit = 100): Promise<OutboxPage> {
  return call(auth, 'GET', '/api/marketing/outbox', { query: { status, limit } });
}

export function deliverNow(auth: ApiAuth): Promise<DeliveryResult> {
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

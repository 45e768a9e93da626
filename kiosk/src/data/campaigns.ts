import type {
  CampaignPreview,
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
  CampaignPreview,
  ChannelView,
  FireResult,
  OutboxMessage,
  OutboxPage,
  OutboxStatus,
  SmsProviderName,
  SmsProviderView,
  SmtpSecurity,
  SmtpSettings,
  TriggerConfig as Trigger,
  TriggerKind,
  TriggerList,
} from '../../../server/protocol/campaigns.js';
/** Campaign channels, delivery, automatic triggers and the outbox (`/api/marketing/*`). */
export {
  OUTBOX_STATUSES,
  SMS_PROVIDERS,
  SMTP_SECURITY,
  TRIGGER_KINDS,
} from '../../../server/protocol/campaigns.js';
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

/** SMS through Alibaba Cloud or Tencent Cloud; `secret` left out keeps the one stored. */
export function saveSmsProvider(
  auth: ApiAuth,
  settings:
    | { provider: 'aliyun'; accessKeyId: string; signName: string }
    | { provider: 'tencent'; secretId: string; sdkAppId: string; region: string; signName: string },
  secret?: string,
): Promise<ChannelView> {
  return call(auth, 'PUT', '/api/marketing/channels/sms/provider', {
    body: { ...settings, ...(secret ? { secret } : {}) },
  });
}

export interface DeliverySettings {
  capCount: number;
  capDays: number;
  quietStart: number;
  quietEnd: number;
  maxAttempts: number;
  smsPriceFen: number;
  smsOptOut: string;
}

export function deliverySettings(auth: ApiAuth): Promise<DeliverySettings> {
  return call(auth, 'GET', '/api/marketing/settings');
}

export function saveDeliverySettings(
  auth: ApiAuth,
  change: Partial<DeliverySettings>,
): Promise<DeliverySettings> {
  return call(auth, 'PUT', '/api/marketing/settings', { body: change });
}

/** A 群发 to a saved segment: what the preview and the send take. */
export interface Broadcast {
  channel: Channel;
  segmentId: string;
  template: string;
}

export function previewBroadcast(auth: ApiAuth, broadcast: Broadcast): Promise<CampaignPreview> {
  return call(auth, 'POST', '/api/campaigns/preview', { body: broadcast });
}

export interface BroadcastSent {
  id: string;
  queued: number;
  exported: number;
  capped: number;
}

export function sendBroadcast(
  auth: ApiAuth,
  broadcast: Broadcast & { name: string; templateCode?: string },
): Promise<BroadcastSent> {
  return call(auth, 'POST', '/api/campaigns', { body: broadcast });
}

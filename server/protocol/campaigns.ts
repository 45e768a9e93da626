/** Campaign delivery and automatic triggers as the admin page sees them (`/api/marketing/*`). */

import type { Channel } from './members.js';

/** `starttls` (587, upgrade required), `tls` (465, TLS from the start) or `none` (a LAN relay, no password). */
export const SMTP_SECURITY = ['starttls', 'tls', 'none'] as const;
export type SmtpSecurity = (typeof SMTP_SECURITY)[number];

/** Where the e-mail channel's messages go; the password is kept apart and never shown. */
export interface SmtpSettings {
  host: string;
  port: number;
  security: SmtpSecurity;
  username?: string | undefined;
  /** The sender's address, e.g. `shop@example.com`. */
  from: string;
  /** The sender's display name (the store's name). */
  fromName?: string | undefined;
}

export const TRIGGER_KINDS = [
  'birthday',
  'dormant',
  'points_expiring',
  'tier_upgrade',
  'first_purchase',
] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

/** What N means per trigger, with its default and bounds; null where the trigger takes none. */
export type TriggerDays = Record<TriggerKind, { default: number; min: number; max: number } | null>;

/** An automatic campaign with the owner's settings (switched off with a default template until saved). */
export interface TriggerConfig {
  kind: TriggerKind;
  enabled: boolean;
  days: number | null;
  channel: Channel;
  template: string;
  couponTemplateId: string | null;
  /** SMS through Alibaba or Tencent Cloud: the code of the template the provider approved. */
  templateCode: string | null;
  updatedAt: string | null;
}

/** `GET /api/marketing/triggers`: every trigger, what its days mean and the template placeholders. */
export interface TriggerList {
  items: TriggerConfig[];
  days: TriggerDays;
  placeholders: readonly string[];
}

/** What one trigger did when it was evaluated. */
export interface FireResult {
  /** Members the trigger applied to now (before consent and the once-per-occasion rule). */
  candidates: number;
  /** Already had this occasion's message. */
  already: number;
  withoutConsent: number;
  queued: number;
  exported: number;
  capped: number;
  coupons: number;
}

/** `POST /api/marketing/triggers/run`: what each switched-on trigger did. */
export interface TriggersRun {
  at: string;
  results: Partial<Record<TriggerKind, FireResult>>;
}

/** A channel as the admin page sees it: never a token or password, only whether one is kept. */
export interface ChannelView {
  channel: Channel;
  configured: boolean;
  /** SMS and WeChat: the gateway's address, query values hidden. */
  url?: string;
  hasToken?: boolean;
  /** E-mail: the SMTP server, with the certificate (PEM) trusted besides the system's. */
  smtp?: (SmtpSettings & { ca?: string | undefined }) | null;
  hasPassword?: boolean;
  /** SMS through Alibaba Cloud or Tencent Cloud: the key id masked, never the secret (`hasToken`). */
  provider?: SmsProviderView;
  updatedAt?: string;
}

export const SMS_PROVIDERS = ['aliyun', 'tencent'] as const;
export type SmsProviderName = (typeof SMS_PROVIDERS)[number];

export interface SmsProviderView {
  provider: SmsProviderName;
  /** AccessKey ID / SecretId, first and last four characters only. */
  keyId: string;
  signName: string;
  sdkAppId?: string;
  region?: string;
  /** Alibaba: the path (on the store's address) to give its console for pushed replies. */
  replyPath?: string;
}

/** `sent`: the channel took it; `delivered`: the SMS provider's receipt says the phone has it. */
export const OUTBOX_STATUSES = ['queued', 'sent', 'delivered', 'failed'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/** One message in the outbox: a campaign's, a trigger's or a test send. */
export interface OutboxMessage {
  id: string;
  channel: string;
  to: string | null;
  body: string;
  campaignId: string | null;
  campaign: string | null;
  /** The trigger kind when a trigger made the campaign. */
  trigger: string | null;
  member: { number: number; name: string | null } | null;
  status: OutboxStatus;
  attempts: number;
  error: string | null;
  createdAt: string;
  /** Only while queued. */
  nextAttemptAt: string | null;
  sentAt: string | null;
}

/** `GET /api/marketing/outbox`: one status's messages, with every status's count. */
export interface OutboxPage {
  status: OutboxStatus;
  counts: Record<OutboxStatus, number>;
  nextDueAt: string | null;
  messages: OutboxMessage[];
}

/** `POST /api/marketing/outbox/deliver`: what one delivery run did. */
export interface DeliveryResult {
  quiet: boolean;
  attempted: number;
  sent: number;
  retrying: number;
  failed: number;
  /** Due messages were left for the next run (a batch limit, or a stop). */
  more: boolean;
}

/** `POST /api/campaigns/preview`: what a 群发 would do before it is sent. */
export interface CampaignPreview {
  channel: Channel;
  /** Without a configured channel the messages are exported to the CSV instead. */
  configured: boolean;
  provider: SmsProviderName | null;
  /** Members the segment picks now. */
  segmentSize: number;
  /** Members who get the message. */
  recipients: number;
  withoutConsent: number;
  withoutAddress: number;
  /** Over the frequency cap. */
  capped: number;
  /** The first recipients with their message as the phone shows it (SMS: 签名 and 退订 line included). */
  sample: { name: string; text: string; sms: number }[];
  /** SMS only: how many SMS the messages make, the owner's price of one and the cost, fen. */
  sms: { parts: number; priceFen: number; costFen: number } | null;
}

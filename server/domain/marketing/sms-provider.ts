import type { Agent } from 'node:http';
import { z } from 'zod';
import type { AppContext } from '../../context.js';

export { SMS_PROVIDERS, type SmsProviderName } from '../../protocol/campaigns.js';

/**
 * SMS through the providers Chinese shops use, each with its official Node SDK: Alibaba Cloud
 * (`@alicloud/dysmsapi20170525`) and Tencent Cloud (`tencentcloud-sdk-nodejs-sms`). A provider
 * sends only templates it approved: the shop's 签名, a template code, and the template's
 * variables (the campaign's placeholders, in the order they first appear).
 */

const signName = z
  .string()
  .trim()
  .min(2)
  .max(20)
  .regex(/^[^【】[\]\r\n]+$/, 'the 签名 without 【】');
const keyId = z
  .string()
  .trim()
  .min(8)
  .max(128)
  .regex(/^[A-Za-z0-9]+$/, 'letters and digits');

/** What the owner enters for a provider, the secret apart (AccessKey Secret / SecretKey). */
export const smsProviderSettings = z.discriminatedUnion('provider', [
  z.strictObject({
    provider: z.literal('aliyun'),
    accessKeyId: keyId,
    signName,
  }),
  z.strictObject({
    provider: z.literal('tencent'),
    secretId: keyId,
    /** The SMS application (SmsSdkAppId) in Tencent Cloud's console. */
    sdkAppId: z
      .string()
      .trim()
      .regex(/^\d{6,20}$/, 'the SmsSdkAppId, digits'),
    region: z
      .string()
      .trim()
      .regex(/^[a-z]{2}-[a-z]+(-\d)?$/, 'a region such as ap-guangzhou')
      .default('ap-guangzhou'),
    signName,
  }),
]);
export type SmsProviderSettings = z.output<typeof smsProviderSettings>;

/** One message for a provider: a mainland 11-digit number or an E.164 one, and the template's variables. */
export interface ProviderMessage {
  to: string;
  templateCode: string;
  params: readonly (readonly [string, string])[];
  /** Our id of the message (Alibaba OutId, Tencent SessionContext). */
  outId: string;
}

/** A delivery receipt: the provider's id of a message and whether it reached the phone. */
export interface SmsReceipt {
  ref: string;
  delivered: boolean;
  /** The provider's (or carrier's) code when it failed, e.g. `MK:0001`. */
  code: string | null;
  at: string | null;
}

/** A reply from a phone: the number as stored for members, and its text. */
export interface SmsReply {
  phone: string;
  text: string;
}

/** A message sent earlier whose receipt is still awaited. */
export interface PendingReceipt {
  ref: string;
  to: string;
  sentAt: string;
}

export class SmsProviderError extends Error {
  override name = 'SmsProviderError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

export interface SmsProvider {
  /** Sends one message; resolves with the provider's id of it, rejects with a SmsProviderError. */
  send(message: ProviderMessage): Promise<string>;
  /** Receipts of messages sent earlier (Alibaba asks per message, Tencent hands out what is new). */
  receipts(pending: readonly PendingReceipt[]): Promise<SmsReceipt[]>;
  /** Replies received since the last pull; null where the provider pushes them instead (Alibaba). */
  replies(): Promise<SmsReply[] | null>;
}

/**
 * Where the SDKs connect. Production leaves it alone (the providers' HTTPS endpoints); tests
 * point both SDKs at local fakes of the providers' APIs.
 */
export interface SmsEndpoints {
  protocol: 'http' | 'https';
  /** host[:port] of Alibaba's RPC API (dysmsapi.aliyuncs.com). */
  aliyun: string;
  /** host[:port] of Tencent's API; its first label names the signed service (`sms.`). */
  tencent: string;
  /** How Tencent's requests connect (tests resolve the real name to a local fake). */
  agent?: Agent | undefined;
}

export const PROVIDER_ENDPOINTS: SmsEndpoints = {
  protocol: 'https',
  aliyun: 'dysmsapi.aliyuncs.com',
  tencent: 'sms.tencentcloudapi.com',
};

const endpoints = new WeakMap<AppContext, SmsEndpoints>();

/** Tests: the store's SDKs connect to these instead of the providers. */
export function useSmsEndpoints(ctx: AppContext, to: SmsEndpoints | null): void {
  if (to) endpoints.set(ctx, to);
  else endpoints.delete(ctx);
}

export function smsEndpoints(ctx: AppContext): SmsEndpoints {
  return endpoints.get(ctx) ?? PROVIDER_ENDPOINTS;
}

/** An id shown back to the owner: the first four and last four characters. */
export function maskKey(key: string): string {
  return key.length <= 8 ? '****' : `${key.slice(0, 4)}****${key.slice(-4)}`;
}

/** A number as a provider wants it: Tencent E.164 (`+8613800138000`), Alibaba without the plus. */
export function e164(phone: string): string {
  return phone.startsWith('+') ? phone : `+86${phone}`;
}

/** A number a provider reports (`+8613800138000`, `8613800138000`, `13800138000`) as members store it. */
export function storedPhone(reported: string): string {
  const digits = reported.replace(/[\s-]/g, '');
  const mainland = /^(?:\+?86)?(1[3-9]\d{9})$/.exec(digits);
  if (mainland?.[1]) return mainland[1];
  return digits.startsWith('+') ? digits : `+${digits}`;
}

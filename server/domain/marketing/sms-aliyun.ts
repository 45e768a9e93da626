import * as dysms from '@alicloud/dysmsapi20170525';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import {
  type PendingReceipt,
  type ProviderMessage,
  type SmsEndpoints,
  type SmsProvider,
  SmsProviderError,
  type SmsReceipt,
} from './sms-provider.js';

const { QuerySendDetailsRequest, SendSmsRequest } = dysms;
type Client = InstanceType<typeof dysms.default.default>;
type ClientClass = new (config: $OpenApiUtil.Config) => Client;
/** Node hands this CommonJS module's exports as its default, Vite (the tests) its `default` export: take the class either way. */
const Dysmsapi: ClientClass =
  typeof dysms.default === 'function'
    ? (dysms.default as unknown as ClientClass)
    : (dysms.default.default as unknown as ClientClass);

/** The SDK's errors carry the provider's code (`isv.BUSINESS_LIMIT_CONTROL`, `SignatureDoesNotMatch`). */
function providerError(error: unknown): SmsProviderError {
  if (error instanceof SmsProviderError) return error;
  const found = error as { code?: unknown; message?: unknown; data?: { Message?: unknown } };
  const code = typeof found?.code === 'string' ? found.code : 'unreachable';
  const message =
    typeof found?.data?.Message === 'string'
      ? found.data.Message
      : error instanceof Error
        ? error.message
        : 'Alibaba Cloud SMS did not answer';
  return new SmsProviderError(code, message.slice(0, 200));
}

/** The day (yyyyMMdd, China time) a message was sent: QuerySendDetails looks a message up by it. */
function chinaDay(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');
}

/**
 * Alibaba Cloud SMS (短信服务, API 2017-05-25) through its SDK, which signs every request
 * (ACS3-HMAC-SHA256). Receipts are asked per message with QuerySendDetails; replies are not
 * pullable there, Alibaba pushes them to the store (see sms-feedback.ts).
 */
export function aliyunSms(
  settings: { accessKeyId: string; signName: string },
  secret: string,
  endpoints: SmsEndpoints,
): SmsProvider {
  const client = new Dysmsapi(
    new $OpenApiUtil.Config({
      accessKeyId: settings.accessKeyId,
      accessKeySecret: secret,
      endpoint: endpoints.aliyun,
      protocol: endpoints.protocol,
      regionId: 'cn-hangzhou',
      connectTimeout: 5000,
      readTimeout: 10_000,
    }),
  );
  return {
    async send(message: ProviderMessage) {
      try {
        const reply = await client.sendSms(
          new SendSmsRequest({
            phoneNumbers: message.to.replace(/^\+/, ''),
            signName: settings.signName,
            templateCode: message.templateCode,
            templateParam: JSON.stringify(Object.fromEntries(message.params)),
            outId: message.outId,
          }),
        );
        const body = reply.body;
        if (body?.code !== 'OK' || !body.bizId) {
          throw new SmsProviderError(body?.code ?? 'unknown', body?.message ?? 'not sent');
        }
        return body.bizId;
      } catch (error) {
        throw providerError(error);
      }
    },

    async receipts(pending: readonly PendingReceipt[]) {
      const found: SmsReceipt[] = [];
      for (const message of pending) {
        let reply: Awaited<ReturnType<typeof client.querySendDetails>>;
        try {
          reply = await client.querySendDetails(
            new QuerySendDetailsRequest({
              phoneNumber: message.to.replace(/^\+/, ''),
              bizId: message.ref,
              sendDate: chinaDay(message.sentAt),
              pageSize: 10,
              currentPage: 1,
            }),
          );
        } catch (error) {
          throw providerError(error);
        }
        if (reply.body?.code !== 'OK') {
          throw new SmsProviderError(reply.body?.code ?? 'unknown', reply.body?.message ?? 'no details');
        }
        const detail = reply.body.smsSendDetailDTOs?.smsSendDetailDTO?.[0];
        // 1: waiting for the receipt, 2: failed, 3: delivered.
        if (!detail || detail.sendStatus === 1) continue;
        found.push({
          ref: message.ref,
          delivered: detail.sendStatus === 3,
          code: detail.sendStatus === 3 ? null : (detail.errCode ?? 'failed'),
          at: detail.receiveDate ?? null,
        });
      }
      return found;
    },

    async replies() {
      return null;
    },
  };
}

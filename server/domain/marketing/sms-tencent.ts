import tencent from 'tencentcloud-sdk-nodejs-sms';
import {
  e164,
  type ProviderMessage,
  type SmsEndpoints,
  type SmsProvider,
  SmsProviderError,
  storedPhone,
} from './sms-provider.js';

const Client = tencent.sms.v20210111.Client;

function providerError(error: unknown): SmsProviderError {
  if (error instanceof SmsProviderError) return error;
  const found = error as { code?: unknown; message?: unknown };
  const code = typeof found?.code === 'string' && found.code ? found.code : 'unreachable';
  const message = error instanceof Error ? error.message : 'Tencent Cloud SMS did not answer';
  return new SmsProviderError(code, message.slice(0, 200));
}

/**
 * Tencent Cloud SMS (API 2021-01-11) through its SDK, which signs every request
 * (TC3-HMAC-SHA256). Receipts and replies are pulled (PullSmsSendStatus, PullSmsReplyStatus):
 * each pull hands out what arrived since the last one, at most 100.
 */
export function tencentSms(
  settings: { secretId: string; sdkAppId: string; region: string; signName: string },
  secret: string,
  endpoints: SmsEndpoints,
): SmsProvider {
  const client = new Client({
    credential: { secretId: settings.secretId, secretKey: secret },
    region: settings.region,
    profile: {
      httpProfile: {
        endpoint: endpoints.tencent,
        protocol: `${endpoints.protocol}://`,
        reqTimeout: 10,
        ...(endpoints.agent && { agent: endpoints.agent }),
      },
    },
  });
  const call = async <T>(request: () => Promise<T>): Promise<T> => {
    try {
      return await request();
    } catch (error) {
      throw providerError(error);
    }
  };
  return {
    async send(message: ProviderMessage) {
      const reply = await call(() =>
        client.SendSms({
          PhoneNumberSet: [e164(message.to)],
          SmsSdkAppId: settings.sdkAppId,
          SignName: settings.signName,
          TemplateId: message.templateCode,
          TemplateParamSet: message.params.map(([, value]) => value),
          SessionContext: message.outId,
        }),
      );
      const status = reply.SendStatusSet?.[0];
      if (status?.Code !== 'Ok' || !status.SerialNo) {
        throw new SmsProviderError(status?.Code ?? 'unknown', status?.Message ?? 'not sent');
      }
      return status.SerialNo;
    },

    async receipts() {
      const reply = await call(() =>
        client.PullSmsSendStatus({ SmsSdkAppId: settings.sdkAppId, Limit: 100 }),
      );
      return (reply.PullSmsSendStatusSet ?? []).map((status) => ({
        ref: status.SerialNo ?? '',
        delivered: status.ReportStatus === 'SUCCESS',
        code: status.ReportStatus === 'SUCCESS' ? null : (status.Description ?? 'FAIL'),
        at: status.UserReceiveTime ? new Date(status.UserReceiveTime * 1000).toISOString() : null,
      }));
    },

    async replies() {
      const reply = await call(() =>
        client.PullSmsReplyStatus({ SmsSdkAppId: settings.sdkAppId, Limit: 100 }),
      );
      return (reply.PullSmsReplyStatusSet ?? []).map((found) => ({
        phone: storedPhone(found.PhoneNumber ?? found.SubscriberNumber ?? ''),
        text: found.ReplyContent ?? '',
      }));
    },
  };
}

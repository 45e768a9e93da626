import { createHash, createHmac, randomUUID } from 'node:crypto';
import { Agent, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';

export interface TencentCall {
  action: string;
  params: Record<string, unknown>;
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/**
 * A local stand-in for Tencent Cloud SMS (API 2021-01-11) that checks every request's
 * TC3-HMAC-SHA256 signature as Tencent documents it: the canonical request (method, path,
 * query, the signed content-type and host headers, the body's SHA-256), the credential scope
 * `date/sms/tc3_request`, and the key derived from `TC3` + SecretKey by date, service and
 * `tc3_request`. A wrong signature gets `AuthFailure.SignatureFailure`, a stale timestamp
 * `AuthFailure.SignatureExpire`. SendSms, PullSmsSendStatus and PullSmsReplyStatus are
 * answered; receipts and replies are queued by the test and handed out once.
 */
export class FakeTencentSms {
  readonly calls: TencentCall[] = [];
  readonly refused: string[] = [];
  port = 0;
  private server: Server | null = null;
  private readonly receipts: Record<string, unknown>[] = [];
  private readonly replies: Record<string, unknown>[] = [];
  private readonly sent = new Map<string, string>();

  constructor(private readonly account: { id: string; secret: string; appId: string; signName: string }) {}

  /** The SDK's endpoint: the real name (its first label is the signed service) on the fake's port. */
  get endpoint(): string {
    return `sms.tencentcloudapi.com:${this.port}`;
  }

  /** Connects the SDK's requests for the real name to this fake. */
  readonly agent = new Agent({
    lookup: ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) =>
      options.all
        ? callback(null, [{ address: '127.0.0.1', family: 4 }])
        : callback(null, '127.0.0.1', 4)) as unknown as LookupFunction,
  });

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.handle(req, Buffer.concat(chunks), res);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** The carrier's receipt for a message, handed out by the next PullSmsSendStatus. */
  report(serialNo: string, delivered: boolean, description = delivered ? 'DELIVRD' : 'MK:0001'): void {
    const phone = this.sent.get(serialNo);
    if (!phone) throw new Error(`no message ${serialNo}`);
    this.receipts.push({
      UserReceiveTime: Math.floor(Date.now() / 1000),
      CountryCode: '86',
      SubscriberNumber: phone.replace(/^\+86/, ''),
      PhoneNumber: phone,
      SerialNo: serialNo,
      ReportStatus: delivered ? 'SUCCESS' : 'FAIL',
      Description: description,
      SessionContext: '',
    });
  }

  /** A phone replies (handed out by the next PullSmsReplyStatus). */
  reply(phone: string, text: string): void {
    this.replies.push({
      ExtendCode: '',
      CountryCode: '86',
      SubscriberNumber: phone,
      PhoneNumber: `+86${phone}`,
      SignName: this.account.signName,
      ReplyContent: text,
      ReplyTime: '2026-12-05 10:00:00',
      ReplyUnixTime: Math.floor(Date.now() / 1000),
    });
  }

  private answer(res: ServerResponse, response: Record<string, unknown>): true {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ Response: { ...response, RequestId: randomUUID() } }));
    return true;
  }

  private refuse(res: ServerResponse, code: string, message: string): true {
    this.refused.push(code);
    return this.answer(res, { Error: { Code: code, Message: message } });
  }

  private handle(req: IncomingMessage, body: Buffer, res: ServerResponse): true {
    const header = (name: string) => String(req.headers[name] ?? '');
    const auth =
      /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([a-z]+)\/tc3_request, SignedHeaders=([a-z;-]+), Signature=([0-9a-f]{64})$/.exec(
        header('authorization'),
      );
    if (!auth) return this.refuse(res, 'AuthFailure.InvalidAuthorization', 'no TC3-HMAC-SHA256 signature');
    const [, secretId, date = '', service = '', signedList = '', signature] = auth;
    if (secretId !== this.account.id)
      return this.refuse(res, 'AuthFailure.SecretIdNotFound', 'unknown SecretId');
    if (service !== 'sms') return this.refuse(res, 'AuthFailure.SignatureFailure', `service ${service}`);
    const timestamp = Number(header('x-tc-timestamp'));
    if (!(Math.abs(Date.now() / 1000 - timestamp) < 300)) {
      return this.refuse(res, 'AuthFailure.SignatureExpire', 'timestamp too far off');
    }
    if (new Date(timestamp * 1000).toISOString().slice(0, 10) !== date) {
      return this.refuse(res, 'AuthFailure.SignatureFailure', 'date is not the timestamp’s');
    }
    const signed = signedList.split(';');
    if (!signed.includes('content-type') || !signed.includes('host')) {
      return this.refuse(res, 'AuthFailure.SignatureFailure', 'content-type and host must be signed');
    }
    const url = new URL(req.url ?? '/', 'http://fake');
    const headers = signed
      .map(
        (name) =>
          `${name}:${(name === 'host' ? header('host').replace(/:\d+$/, '') : header(name)).trim().toLowerCase()}\n`,
      )
      .join('');
    const canonical = [req.method, url.pathname, url.search.slice(1), headers, signedList, sha256(body)].join(
      '\n',
    );
    const scope = `${date}/${service}/tc3_request`;
    const toSign = `TC3-HMAC-SHA256\n${timestamp}\n${scope}\n${sha256(canonical)}`;
    const key = hmac(hmac(hmac(`TC3${this.account.secret}`, date), service), 'tc3_request');
    if (createHmac('sha256', key).update(toSign).digest('hex') !== signature) {
      return this.refuse(
        res,
        'AuthFailure.SignatureFailure',
        'The provided credentials could not be validated.',
      );
    }
    const action = header('x-tc-action');
    if (header('x-tc-version') !== '2021-01-11') return this.refuse(res, 'InvalidParameter', 'version');
    const params = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
    this.calls.push({ action, params });
    if (params.SmsSdkAppId !== this.account.appId) {
      return this.refuse(res, 'FailedOperation.SmsSdkAppIdVerifyFail', 'SmsSdkAppId');
    }
    if (action === 'SendSms') {
      const phones = params.PhoneNumberSet as string[];
      return this.answer(res, {
        SendStatusSet: phones.map((phone) => {
          if (params.SignName !== this.account.signName) {
            return {
              PhoneNumber: phone,
              Code: 'FailedOperation.SignatureIncorrectOrUnapproved',
              Message: '签名未审批',
            };
          }
          const serialNo = `2645:${randomUUID().replaceAll('-', '').slice(0, 20)}`;
          this.sent.set(serialNo, phone);
          return {
            SerialNo: serialNo,
            PhoneNumber: phone,
            Fee: 1,
            SessionContext: params.SessionContext,
            Code: 'Ok',
            Message: 'send success',
            IsoCode: 'CN',
          };
        }),
      });
    }
    if (action === 'PullSmsSendStatus') {
      return this.answer(res, { PullSmsSendStatusSet: this.receipts.splice(0, Number(params.Limit ?? 100)) });
    }
    if (action === 'PullSmsReplyStatus') {
      return this.answer(res, { PullSmsReplyStatusSet: this.replies.splice(0, Number(params.Limit ?? 100)) });
    }
    return this.refuse(res, 'InvalidAction', action);
  }
}

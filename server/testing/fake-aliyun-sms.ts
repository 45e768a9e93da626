import { createHash, createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake took: the RPC action's parameters as Alibaba would read them. */
export interface AliyunCall {
  action: string;
  params: Record<string, string>;
}

/** RFC 3986 percent-encoding, as Alibaba's V3 signature wants it. */
const encode = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/**
 * A local stand-in for Alibaba Cloud SMS (dysmsapi, 2017-05-25) that checks every request's
 * V3 signature (ACS3-HMAC-SHA256) as Alibaba documents it: the canonical request from the
 * method, path, sorted query, the signed `x-acs-*`/host/content-type headers and the body's
 * SHA-256, HMAC'd with the AccessKey Secret. A wrong signature gets Alibaba's
 * `SignatureDoesNotMatch`, an unknown key `InvalidAccessKeyId.NotFound`, a reused nonce
 * `SignatureNonceUsed`. SendSms and QuerySendDetails are answered; receipts are set by the test.
 */
export class FakeAliyunSms {
  readonly calls: AliyunCall[] = [];
  /** Requests refused, with the code given. */
  readonly refused: string[] = [];
  port = 0;
  private server: Server | null = null;
  private readonly nonces = new Set<string>();
  /** BizId → [phone, sendStatus 1|2|3, errCode]. */
  private readonly messages = new Map<string, { phone: string; status: 1 | 2 | 3; errCode: string }>();

  constructor(private readonly account: { id: string; secret: string; signName: string }) {}

  get endpoint(): string {
    return `127.0.0.1:${this.port}`;
  }

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
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** The carrier's receipt for a message: delivered (3) or failed (2) with its code. */
  report(bizId: string, delivered: boolean, errCode = 'DELIVERED'): void {
    const message = this.messages.get(bizId);
    if (!message) throw new Error(`no message ${bizId}`);
    message.status = delivered ? 3 : 2;
    message.errCode = errCode;
  }

  private answer(res: ServerResponse, status: number, body: Record<string, unknown>): true {
    res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
    res.end(JSON.stringify({ RequestId: randomUUID(), ...body }));
    return true;
  }

  private refuse(res: ServerResponse, status: number, code: string, message: string): true {
    this.refused.push(code);
    return this.answer(res, status, { Code: code, Message: message });
  }

  private handle(req: IncomingMessage, body: Buffer, res: ServerResponse): true {
    const url = new URL(req.url ?? '/', 'http://fake');
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(',') : (value ?? '');
    };
    const auth = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$/.exec(
      header('authorization'),
    );
    if (!auth) return this.refuse(res, 400, 'MissingAuthorization', 'no ACS3-HMAC-SHA256 signature');
    const [, keyId, signedList = '', signature] = auth;
    if (keyId !== this.account.id) return this.refuse(res, 404, 'InvalidAccessKeyId.NotFound', 'unknown key');
    const signed = signedList.split(';');
    for (const needed of [
      'host',
      'x-acs-action',
      'x-acs-content-sha256',
      'x-acs-date',
      'x-acs-signature-nonce',
      'x-acs-version',
    ]) {
      if (!signed.includes(needed))
        return this.refuse(res, 400, 'IncompleteSignature', `${needed} not signed`);
    }
    if (header('x-acs-content-sha256') !== sha256(body)) {
      return this.refuse(res, 400, 'ContentSHA256NotMatch', 'the body is not what was signed');
    }
    const age = Math.abs(Date.now() - Date.parse(header('x-acs-date')));
    if (!(age < 15 * 60_000))
      return this.refuse(res, 400, 'InvalidTimeStamp.Expired', 'x-acs-date too far off');
    const query = [...url.searchParams.entries()]
      .map(([key, value]) => [encode(key), encode(value)] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => `${key}=${value}`)
      .join('&');
    const headers = [...signed]
      .sort()
      .map((name) => `${name}:${header(name).trim()}\n`)
      .join('');
    const canonical = [req.method, url.pathname, query, headers, signed.join(';'), sha256(body)].join('\n');
    const expected = createHmac('sha256', this.account.secret)
      .update(`ACS3-HMAC-SHA256\n${sha256(canonical)}`)
      .digest('hex');
    if (expected !== signature) {
      return this.refuse(
        res,
        400,
        'SignatureDoesNotMatch',
        'Specified signature does not match our calculation.',
      );
    }
    const nonce = header('x-acs-signature-nonce');
    if (this.nonces.has(nonce)) return this.refuse(res, 400, 'SignatureNonceUsed', 'nonce used before');
    this.nonces.add(nonce);

    const params = Object.fromEntries(url.searchParams.entries());
    const action = header('x-acs-action');
    this.calls.push({ action, params });
    if (header('x-acs-version') !== '2017-05-25') return this.refuse(res, 400, 'InvalidVersion', 'version');
    if (action === 'SendSms') {
      if (params.SignName !== this.account.signName) {
        return this.answer(res, 200, { Code: 'isv.SMS_SIGNATURE_ILLEGAL', Message: '签名不合法' });
      }
      if (!/^SMS_\d+$/.test(params.TemplateCode ?? '')) {
        return this.answer(res, 200, { Code: 'isv.SMS_TEMPLATE_ILLEGAL', Message: '模板不合法' });
      }
      JSON.parse(params.TemplateParam ?? '{}');
      const bizId = `${Date.now()}^${randomUUID().slice(0, 8)}`;
      this.messages.set(bizId, { phone: params.PhoneNumbers ?? '', status: 1, errCode: '' });
      return this.answer(res, 200, { Code: 'OK', Message: 'OK', BizId: bizId });
    }
    if (action === 'QuerySendDetails') {
      const message = this.messages.get(params.BizId ?? '');
      const found = message && message.phone === params.PhoneNumber && /^\d{8}$/.test(params.SendDate ?? '');
      return this.answer(res, 200, {
        Code: 'OK',
        Message: 'OK',
        TotalCount: found ? 1 : 0,
        SmsSendDetailDTOs: {
          SmsSendDetailDTO: found
            ? [
                {
                  PhoneNum: message.phone,
                  SendStatus: message.status,
                  ErrCode: message.errCode,
                  ReceiveDate: message.status === 3 ? '2026-12-05 10:00:05' : '',
                },
              ]
            : [],
        },
      });
    }
    return this.refuse(res, 404, 'InvalidAction.NotFound', action);
  }
}

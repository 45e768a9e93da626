import { createSign, createVerify, randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Formatter, Rsa } from 'wechatpay-axios-plugin';
import type { PaymentProvider } from '../../../protocol/payments.js';
import { SimulatorBills } from './bills.js';
import type { SimRefundOutcome, SimulatorBooks } from './books.js';
import { type SimulatorKeys, simulatorKeys } from './keys.js';
import { type SimTrade, SimulatorRecords } from './records.js';
import { upay } from './upay.js';
import { SimulatorTerminals } from './upay-terminals.js';
import { wechatV2 } from './wechat-v2.js';

/** A customer who never confirms: the simulated provider closes the trade by itself after this. */
const UNCONFIRMED_CLOSE_MS = 120_000;

function digits(n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += String(randomInt(10));
  return out;
}

function fenOf(yuan: unknown): number {
  return Math.round(Number(yuan) * 100);
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

type Answer = { status: number; body: Record<string, unknown> } | 'lost';

/**
 * A local stand-in for WeChat Pay (API v3) and Alipay (open-platform gateway) speaking their
 * wire formats: requests must carry the merchant's signature (WECHATPAY2-SHA256-RSA2048
 * `Authorization`; Alipay's RSA2 `sign`) and answers are signed with the provider's key
 * (`Wechatpay-Signature`; Alipay's `sign`). What a payment does follows the last digit of the
 * customer's code as API.md lists; refunds may be partial and repeated (one per out_refund_no);
 * WeChat refunds answer PROCESSING and succeed on the next query. Its books live on disk and its
 * clock can be moved (`POST /__simulator/clock {advanceSeconds}`). QR orders (WeChat Native,
 * Alipay precreate) wait for a customer: `POST /__simulator/scan {code}` is one scanning the
 * code and paying; nobody scanning, the shop's server closes them.
 */
export class PaymentSimulator implements SimulatorBooks {
  readonly keys: SimulatorKeys;
  readonly records: SimulatorRecords;
  readonly terminals: SimulatorTerminals;
  /** The day's statements (对账单) made from the records. */
  readonly bills: SimulatorBills;
  private server: Server | null = null;
  /** Tests: sign answers with a key the server does not trust. */
  forgeAnswers = false;
  url = '';

  constructor(dir: string) {
    this.keys = simulatorKeys(dir);
    this.records = new SimulatorRecords(dir);
    this.terminals = new SimulatorTerminals(dir, this.keys.upay, () => this.records.now());
    this.bills = new SimulatorBills(this.records, this.keys);
  }

  async start(port = 0): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(JSON.stringify({ code: 'SYSTEMERROR', message: String(error) }));
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const raw = await bodyOf(req);
    if (url.pathname === '/gateway.do') return this.alipay(url, raw, res);
    if (url.pathname === '/v3/billdownload/file' || url.pathname === '/downloadBillFile.resource') {
      return this.billFile(req, url, raw, res);
    }
    if (url.pathname.startsWith('/v3/')) return this.wechat(req, url, raw, res);
    if (url.pathname.startsWith('/pay/') || url.pathname.startsWith('/secapi/')) {
      return wechatV2(this, url, raw, res);
    }
    if (url.pathname.startsWith('/upay/') || url.pathname.startsWith('/terminal/')) {
      return upay(this, req, url, raw, res);
    }
    if (url.pathname === '/__simulator/upay/activation-code' && req.method === 'POST') {
      // The owner making a 激活码 in the 收钱吧 back office, for a demo against the simulator.
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ code: this.terminals.newCode() }));
      return;
    }
    if (url.pathname === '/__simulator/clock' && req.method === 'POST') {
      const { advanceSeconds } = JSON.parse(raw || '{}') as { advanceSeconds?: number };
      this.records.advance((advanceSeconds ?? 0) * 1000);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ now: this.records.now().toISOString() }));
      return;
    }
    if (url.pathname === '/__simulator/scan' && req.method === 'POST') {
      const { code } = JSON.parse(raw || '{}') as { code?: string };
      const paid = this.scanAndPay(String(code));
      res.statusCode = paid ? 200 : 404;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify(paid ? { outTradeNo: paid.outTradeNo, state: paid.state } : { error: 'no such code' }),
      );
      return;
    }
    if (url.pathname === '/__simulator/records') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(this.records.all()));
      return;
    }
    res.statusCode = 404;
    res.end();
  }

  // ——— the behaviour, the same for every wire format (v3, Alipay, and v2 and 收钱吧 in their files) ———

  /** A trade's state now: confirming customers (2) confirm on the second query; others close after a while. */
  look(trade: SimTrade, asQuery: boolean): SimTrade {
    if (trade.state !== 'USERPAYING') return trade;
    if (asQuery) trade.queries += 1;
    if (trade.behaviour === '2' && trade.queries >= 2) {
      trade.state = 'SUCCESS';
      trade.paidAt = this.records.now().toISOString();
    } else if (this.records.now().getTime() - Date.parse(trade.createdAt) > UNCONFIRMED_CLOSE_MS) {
      trade.state = 'CLOSED';
    }
    this.records.putTrade(trade);
    return trade;
  }

  newTrade(provider: PaymentProvider, outTradeNo: string, amount: number, authCode: string): SimTrade {
    const behaviour = authCode.slice(-1);
    const now = this.records.now().toISOString();
    const paidNow = !['2', '3', '4', '7'].includes(behaviour);
    const day = now.slice(0, 10).replaceAll('-', '');
    const trade: SimTrade = {
      provider,
      outTradeNo,
      amount,
      behaviour,
      state: behaviour === '4' || behaviour === '7' ? 'REFUSED' : paidNow ? 'SUCCESS' : 'USERPAYING',
      transactionId: provider === 'wechat' ? `4200${digits(24)}` : `${day}22${digits(18)}`,
      queries: 0,
      reversedPaid: 0,
      createdAt: now,
      paidAt: paidNow ? now : null,
    };
    this.records.putTrade(trade);
    return trade;
  }

  /** Reverse / cancel: closes a trade, giving the money back when it had been paid. */
  reverse(provider: PaymentProvider, outTradeNo: string): { action: 'close' | 'refund' } {
    const trade = this.records.trade(provider, outTradeNo);
    if (!trade) {
      // A trade never seen is closed ahead, so that a late payment request is refused.
      this.records.putTrade({
        provider,
        outTradeNo,
        amount: 0,
        behaviour: '',
        state: 'CLOSED',
        transactionId: '',
        queries: 0,
        reversedPaid: 0,
        createdAt: this.records.now().toISOString(),
        paidAt: null,
      });
      return { action: 'close' };
    }
    this.look(trade, false);
    const refunded = this.records.refundsOf(provider, outTradeNo).reduce((s, r) => s + r.amount, 0);
    if (trade.state === 'SUCCESS') {
      trade.state = 'REVOKED';
      trade.reversedPaid = trade.amount - refunded;
      this.records.putTrade(trade);
      return { action: 'refund' };
    }
    if (trade.state === 'USERPAYING') {
      trade.state = 'CLOSED';
      this.records.putTrade(trade);
    }
    return { action: trade.reversedPaid > 0 ? 'refund' : 'close' };
  }

  /** A QR order (Native / precreate): waiting for a customer to scan; the same number again is the same order. */
  qrTrade(provider: PaymentProvider, outTradeNo: string, amount: number): SimTrade {
    const seen = this.records.trade(provider, outTradeNo);
    if (seen) return this.look(seen, false);
    const trade = this.newTrade(provider, outTradeNo, amount, '3');
    trade.behaviour = '';
    trade.scanned = false;
    trade.qrUrl =
      provider === 'wechat'
        ? `weixin://wxpay/bizpayurl?pr=${digits(9)}`
        : `https://qr.alipay.com/bax0${digits(5)}${digits(15)}`;
    this.records.putTrade(trade);
    return trade;
  }

  /**
   * A customer scans a QR code and pays, as `POST /__simulator/scan {code}` asks: the order
   * whose code it is, if still open, is paid. Null for a code the simulator never gave.
   */
  scanAndPay(code: string): SimTrade | null {
    const trade = this.records.tradeOfQr(code);
    if (!trade) return null;
    this.look(trade, false);
    trade.scanned = true;
    if (trade.state === 'USERPAYING') {
      trade.state = 'SUCCESS';
      trade.paidAt = this.records.now().toISOString();
    }
    this.records.putTrade(trade);
    return trade;
  }

  /** A refund by out_refund_no: the same number again is the same refund; never more than was paid. */
  refund(
    provider: PaymentProvider,
    outTradeNo: string,
    outRefundNo: string,
    amount: number,
  ): SimRefundOutcome {
    const trade = this.records.trade(provider, outTradeNo);
    if (trade?.state !== 'SUCCESS') return { ok: false, why: 'not_paid' };
    const seen = this.records.refund(provider, outRefundNo);
    if (seen) return { ok: true, repeated: true, refundId: seen.refundId, state: seen.state, trade };
    const refunded = this.records.refundsOf(provider, outTradeNo).reduce((s, r) => s + r.amount, 0);
    if (amount <= 0 || refunded + amount > trade.amount) return { ok: false, why: 'too_much' };
    // Alipay has no refund number: the trade number and the request number name a refund.
    const refundId = provider === 'wechat' ? `5030${digits(25)}` : `${trade.transactionId}/${outRefundNo}`;
    const state = provider === 'wechat' ? 'PROCESSING' : 'SUCCESS';
    this.records.putRefund({
      provider,
      outRefundNo,
      outTradeNo,
      amount,
      state,
      refundId,
      createdAt: this.records.now().toISOString(),
    });
    return { ok: true, repeated: false, refundId, state, trade };
  }

  // ——— WeChat Pay API v3 ———

  private wechatVerified(req: IncomingMessage, url: URL, raw: string): boolean {
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('WECHATPAY2-SHA256-RSA2048 ')) return false;
    const fields = Object.fromEntries(
      [...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] as string, m[2] as string]),
    );
    const w = this.keys.wechat;
    if (fields.mchid !== w.mchid || fields.serial_no !== w.merchantSerial) return false;
    const message = Formatter.request(
      (req.method ?? 'GET').toUpperCase(),
      `${url.pathname}${url.search}`,
      fields.timestamp ?? '',
      fields.nonce_str ?? '',
      raw,
    );
    return Rsa.verify(message, fields.signature ?? '', w.merchant.publicKey);
  }

  private wechatAnswer(trade: SimTrade): Record<string, unknown> {
    const paid = trade.state === 'SUCCESS';
    const tradeState = {
      // A QR order nobody paid yet is NOTPAY; a scanned code being confirmed USERPAYING.
      USERPAYING: trade.qrUrl ? 'NOTPAY' : 'USERPAYING',
      SUCCESS: 'SUCCESS',
      REFUSED: 'PAYERROR',
      CLOSED: 'CLOSED',
      REVOKED: 'REVOKED',
    }[trade.state];
    return {
      appid: this.keys.wechat.appid,
      mchid: this.keys.wechat.mchid,
      out_trade_no: trade.outTradeNo,
      trade_type: trade.qrUrl ? 'NATIVE' : 'MICROPAY',
      trade_state: tradeState,
      ...(paid && { transaction_id: trade.transactionId, success_time: trade.paidAt }),
      amount: { total: trade.amount, currency: 'CNY' },
    };
  }

  private wechatRoute(method: string, url: URL, body: Record<string, unknown>): Answer {
    const path = url.pathname;
    if (method === 'POST' && path === '/v3/pay/transactions/codepay') {
      const outTradeNo = String(body.out_trade_no);
      const amount = Number((body.amount as { total?: number } | undefined)?.total);
      const authCode = String((body.payer as { auth_code?: string } | undefined)?.auth_code ?? '');
      const seen = this.records.trade('wechat', outTradeNo);
      if (seen) {
        if (seen.state === 'CLOSED' || seen.state === 'REVOKED') {
          return { status: 400, body: { code: 'ORDERCLOSED', message: '订单已关闭' } };
        }
        if (seen.behaviour === '6') return 'lost';
        return { status: 200, body: this.wechatAnswer(this.look(seen, false)) };
      }
      const trade = this.newTrade('wechat', outTradeNo, amount, authCode);
      switch (trade.behaviour) {
        case '2':
        case '3':
          return { status: 202, body: { code: 'USERPAYING', message: '需要用户输入支付密码' } };
        case '4':
          return { status: 403, body: { code: 'NOTENOUGH', message: '余额不足' } };
        case '5':
          return { status: 500, body: { code: 'SYSTEMERROR', message: '系统错误' } };
        case '6':
          return 'lost';
        case '7':
          return {
            status: 400,
            body: { code: 'AUTHCODEEXPIRE', message: '二维码已过期，请用户在微信上刷新后再试' },
          };
        default:
          return { status: 200, body: this.wechatAnswer(trade) };
      }
    }
    if (method === 'GET' && path === '/v3/bill/tradebill') {
      return this.bills.wechatTradebill(String(url.searchParams.get('bill_date')), this.url);
    }
    const query = /^\/v3\/pay\/transactions\/out-trade-no\/([\w-]+)$/.exec(path);
    if (method === 'GET' && query) {
      const trade = this.records.trade('wechat', query[1] as string);
      if (!trade) return { status: 404, body: { code: 'ORDER_NOT_EXIST', message: '订单不存在' } };
      return { status: 200, body: this.wechatAnswer(this.look(trade, true)) };
    }
    if (method === 'POST' && path === '/v3/pay/transactions/native') {
      if (typeof body.notify_url !== 'string' || !body.notify_url.startsWith('https://')) {
        return { status: 400, body: { code: 'PARAM_ERROR', message: 'notify_url 必须为 https' } };
      }
      const amount = Number((body.amount as { total?: number } | undefined)?.total);
      const trade = this.qrTrade('wechat', String(body.out_trade_no), amount);
      if (trade.state === 'CLOSED' || trade.state === 'REVOKED') {
        return { status: 400, body: { code: 'ORDERCLOSED', message: '订单已关闭' } };
      }
      return { status: 200, body: { code_url: trade.qrUrl } };
    }
    const close = /^\/v3\/pay\/transactions\/out-trade-no\/([\w-]+)\/close$/.exec(path);
    if (method === 'POST' && close) {
      const trade = this.records.trade('wechat', close[1] as string);
      if (!trade) return { status: 404, body: { code: 'ORDER_NOT_EXIST', message: '订单不存在' } };
      if (this.look(trade, false).state === 'SUCCESS') {
        return { status: 400, body: { code: 'ORDERPAID', message: '订单已支付' } };
      }
      trade.state = 'CLOSED';
      this.records.putTrade(trade);
      return { status: 204, body: {} };
    }
    const reverse = /^\/v3\/pay\/transactions\/out-trade-no\/([\w-]+)\/reverse$/.exec(path);
    if (method === 'POST' && reverse) {
      this.reverse('wechat', reverse[1] as string);
      return { status: 200, body: { recall: false } };
    }
    if (method === 'POST' && path === '/v3/refund/domestic/refunds') {
      const amount = body.amount as { refund?: number; total?: number } | undefined;
      const done = this.refund(
        'wechat',
        String(body.out_trade_no),
        String(body.out_refund_no),
        Number(amount?.refund),
      );
      if (!done.ok) {
        return done.why === 'not_paid'
          ? { status: 404, body: { code: 'RESOURCE_NOT_EXISTS', message: '订单不存在或未支付' } }
          : { status: 403, body: { code: 'NOT_ENOUGH', message: '退款金额超过可退金额' } };
      }
      return { status: 200, body: this.wechatRefundAnswer(String(body.out_refund_no)) };
    }
    const refundQuery = /^\/v3\/refund\/domestic\/refunds\/([\w-]+)$/.exec(path);
    if (method === 'GET' && refundQuery) {
      const refund = this.records.refund('wechat', refundQuery[1] as string);
      if (!refund) return { status: 404, body: { code: 'RESOURCE_NOT_EXISTS', message: '退款单不存在' } };
      if (refund.state === 'PROCESSING') {
        this.records.putRefund({
          ...refund,
          state: 'SUCCESS',
          succeededAt: this.records.now().toISOString(),
        });
      }
      return { status: 200, body: this.wechatRefundAnswer(refund.outRefundNo) };
    }
    return { status: 404, body: { code: 'NOT_FOUND', message: 'no such API in the simulator' } };
  }

  private wechatRefundAnswer(outRefundNo: string): Record<string, unknown> {
    const refund = this.records.refund('wechat', outRefundNo);
    return {
      refund_id: refund?.refundId,
      out_refund_no: outRefundNo,
      out_trade_no: refund?.outTradeNo,
      status: refund?.state,
      amount: { refund: refund?.amount, currency: 'CNY' },
    };
  }

  private wechat(req: IncomingMessage, url: URL, raw: string, res: ServerResponse): void {
    let answer: Answer;
    if (!this.wechatVerified(req, url, raw)) {
      answer = { status: 401, body: { code: 'SIGN_ERROR', message: '签名错误' } };
    } else {
      answer = this.wechatRoute((req.method ?? 'GET').toUpperCase(), url, raw ? JSON.parse(raw) : {});
    }
    if (answer === 'lost') {
      res.socket?.destroy();
      return;
    }
    // 204 (close) has no body; its signature is over the empty string.
    const text = answer.status === 204 ? '' : JSON.stringify(answer.body);
    const timestamp = String(Formatter.timestamp());
    const nonce = Formatter.nonce();
    const key = this.forgeAnswers ? this.keys.alipay.alipay.privateKey : this.keys.wechat.platform.privateKey;
    res.statusCode = answer.status;
    if (text) res.setHeader('content-type', 'application/json');
    res.setHeader('Wechatpay-Timestamp', timestamp);
    res.setHeader('Wechatpay-Nonce', nonce);
    res.setHeader('Wechatpay-Serial', this.keys.wechat.platformSerial);
    res.setHeader('Wechatpay-Signature', Rsa.sign(Formatter.response(timestamp, nonce, text), key));
    res.end(text);
  }

  /**
   * A bill handed out before, by its token: unsigned as the real files are (WeChat Pay's is
   * proven by its hash, and still asked for with the merchant's signature; Alipay's by the
   * link's token alone).
   */
  private billFile(req: IncomingMessage, url: URL, raw: string, res: ServerResponse): void {
    const file = this.bills.file(url.searchParams.get('token') ?? '');
    const wechat = url.pathname.startsWith('/v3/');
    if (!file || (wechat && !this.wechatVerified(req, url, raw))) {
      res.statusCode = wechat && file ? 401 : 404;
      res.end();
      return;
    }
    res.setHeader('content-type', wechat ? 'text/plain;charset=utf-8' : 'application/zip');
    res.end(file);
  }

  // ——— Alipay open-platform gateway ———

  private alipayVerified(params: Record<string, string>): boolean {
    const { sign, ...rest } = params;
    if (!sign || rest.app_id !== this.keys.alipay.appId || rest.sign_type !== 'RSA2') return false;
    const content = Object.keys(rest)
      .sort()
      .map((k) => `${k}=${rest[k]}`)
      .join('&');
    return createVerify('RSA-SHA256')
      .update(content, 'utf8')
      .verify(this.keys.alipay.app.publicKey, sign, 'base64');
  }

  private alipayTrade(trade: SimTrade): Record<string, unknown> {
    const status = {
      USERPAYING: 'WAIT_BUYER_PAY',
      SUCCESS: 'TRADE_SUCCESS',
      REFUSED: 'TRADE_CLOSED',
      CLOSED: 'TRADE_CLOSED',
      REVOKED: 'TRADE_CLOSED',
    }[trade.state];
    return {
      code: '10000',
      msg: 'Success',
      out_trade_no: trade.outTradeNo,
      trade_no: trade.transactionId,
      trade_status: status,
      total_amount: (trade.amount / 100).toFixed(2),
      ...(trade.paidAt && { gmt_payment: trade.paidAt }),
    };
  }

  private alipayRoute(method: string, biz: Record<string, unknown>): Answer {
    const fail = (code: string, sub: string, msg: string) => ({
      status: 200,
      body: {
        code,
        msg: code === '20000' ? 'Service Currently Unavailable' : 'Business Failed',
        sub_code: sub,
        sub_msg: msg,
      },
    });
    const outTradeNo = String(biz.out_trade_no);
    switch (method) {
      case 'alipay.trade.pay': {
        const seen = this.records.trade('alipay', outTradeNo);
        if (seen) {
          if (seen.state === 'CLOSED' || seen.state === 'REVOKED')
            return fail('40004', 'ACQ.TRADE_HAS_CLOSE', '交易已经关闭');
          if (seen.behaviour === '6') return 'lost';
          return { status: 200, body: this.alipayTrade(this.look(seen, false)) };
        }
        const trade = this.newTrade(
          'alipay',
          outTradeNo,
          fenOf(biz.total_amount),
          String(biz.auth_code ?? ''),
        );
        switch (trade.behaviour) {
          case '2':
          case '3':
            return {
              status: 200,
              body: { ...this.alipayTrade(trade), code: '10003', msg: ' order success pay inprocess' },
            };
          case '4':
            return fail('40004', 'ACQ.BUYER_BALANCE_NOT_ENOUGH', '买家余额不足');
          case '5':
            return fail('20000', 'ACQ.SYSTEM_ERROR', '系统错误');
          case '6':
            return 'lost';
          case '7':
            return fail(
              '40004',
              'ACQ.PAYMENT_AUTH_CODE_INVALID',
              '支付失败，获取顾客账户信息失败，请顾客刷新付款码后重新收款',
            );
          default:
            return { status: 200, body: this.alipayTrade(trade) };
        }
      }
      case 'alipay.trade.precreate': {
        const trade = this.qrTrade('alipay', outTradeNo, fenOf(biz.total_amount));
        if (trade.state === 'CLOSED' || trade.state === 'REVOKED')
          return fail('40004', 'ACQ.TRADE_HAS_CLOSE', '交易已经关闭');
        return {
          status: 200,
          body: { code: '10000', msg: 'Success', out_trade_no: outTradeNo, qr_code: trade.qrUrl },
        };
      }
      case 'alipay.trade.query': {
        const trade = this.records.trade('alipay', outTradeNo);
        // Alipay makes a precreated trade only when a customer scans its code.
        if (!trade || trade.scanned === false) return fail('40004', 'ACQ.TRADE_NOT_EXIST', '交易不存在');
        return { status: 200, body: this.alipayTrade(this.look(trade, true)) };
      }
      case 'alipay.trade.cancel': {
        const { action } = this.reverse('alipay', outTradeNo);
        return {
          status: 200,
          body: { code: '10000', msg: 'Success', out_trade_no: outTradeNo, retry_flag: 'N', action },
        };
      }
      case 'alipay.trade.refund': {
        const outRequestNo = String(biz.out_request_no ?? outTradeNo);
        const done = this.refund('alipay', outTradeNo, outRequestNo, fenOf(biz.refund_amount));
        if (!done.ok) {
          return done.why === 'not_paid'
            ? fail('40004', 'ACQ.TRADE_STATUS_ERROR', '交易状态不合法')
            : fail('40004', 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额超限');
        }
        return {
          status: 200,
          body: {
            code: '10000',
            msg: 'Success',
            out_trade_no: outTradeNo,
            trade_no: done.trade.transactionId,
            refund_fee: (fenOf(biz.refund_amount) / 100).toFixed(2),
            // A repeated request number changes no money: Alipay says so with fund_change N.
            fund_change: done.repeated ? 'N' : 'Y',
          },
        };
      }
      case 'alipay.trade.fastpay.refund.query': {
        const trade = this.records.trade('alipay', outTradeNo);
        const refund = this.records.refund('alipay', String(biz.out_request_no));
        if (!trade) return fail('40004', 'ACQ.TRADE_NOT_EXIST', '交易不存在');
        return {
          status: 200,
          body: {
            code: '10000',
            msg: 'Success',
            out_trade_no: outTradeNo,
            trade_no: trade.transactionId,
            out_request_no: biz.out_request_no,
            ...(refund && {
              refund_amount: (refund.amount / 100).toFixed(2),
              refund_status: 'REFUND_SUCCESS',
            }),
          },
        };
      }
      case 'alipay.data.dataservice.bill.downloadurl.query':
        return { status: 200, body: this.bills.alipayDownloadUrl(String(biz.bill_date), this.url) };
      default:
        return fail('40004', 'isv.invalid-method', '不存在的方法名');
    }
  }

  private alipay(url: URL, raw: string, res: ServerResponse): void {
    const params: Record<string, string> = Object.fromEntries(url.searchParams);
    for (const [k, v] of new URLSearchParams(raw)) params[k] = v;
    const method = params.method ?? '';
    const key = `${method.replaceAll('.', '_')}_response`;
    let answer: Answer;
    if (!this.alipayVerified(params)) {
      answer = {
        status: 200,
        body: {
          code: '40002',
          msg: 'Invalid Arguments',
          sub_code: 'isv.invalid-signature',
          sub_msg: '验签出错',
        },
      };
    } else {
      answer = this.alipayRoute(method, JSON.parse(params.biz_content ?? '{}') as Record<string, unknown>);
    }
    if (answer === 'lost') {
      res.socket?.destroy();
      return;
    }
    const inner = JSON.stringify(answer.body);
    const signer = this.forgeAnswers
      ? this.keys.wechat.platform.privateKey
      : this.keys.alipay.alipay.privateKey;
    const sign = createSign('RSA-SHA256').update(inner, 'utf8').sign(signer, 'base64');
    res.statusCode = answer.status;
    res.setHeader('content-type', 'application/json;charset=utf-8');
    res.end(`{"${key}":${inner},"sign":"${sign}"}`);
  }
}

import { Decorator, Hash, Transformer } from 'wechatpay-axios-plugin';
import type { PaymentFailure } from '../../protocol/payments.js';
import { BillError, type StatementAnswer } from './bills/statement.js';
import { parseWechatBill } from './bills/wechat-bill.js';
import {
  type CancelState,
  checkOrderNumber,
  type Gateway,
  type GatewayCheck,
  type QrOrder,
  type QrState,
  type RefundOrder,
  type RefundState,
  type TradeOrder,
  type TradeState,
} from './provider.js';
import { NOTIFY_NOWHERE } from './wechat.js';

/** A merchant's WeChat Pay API v2 credentials (a merchant that never moved to v3 keys). */
export interface WechatV2Keys {
  mchid: string;
  appid: string;
  /** The 32-character API key (API密钥) both sides sign with. */
  apiKey: string;
  signType: 'MD5' | 'HMAC-SHA256';
  /** The merchant API certificate and its key (apiclient_cert.pem / apiclient_key.pem): the TLS client certificate `/secapi/` asks for. */
  cert: string;
  privateKey: string;
  baseURL: string;
}

/** The v2 refusals of a micropay, in the store's words. */
const REFUSALS: Record<string, PaymentFailure> = {
  NOTENOUGH: 'insufficient_balance',
  AUTHCODEEXPIRE: 'code_expired',
  AUTH_CODE_ERROR: 'code_expired',
  AUTH_CODE_INVALID: 'code_expired',
};

/** Codes after which WeChat's documents say: the result is not known, query. */
const UNKNOWN = new Set(['SYSTEMERROR', 'BANKERROR', 'BIZERR_NEED_RETRY', 'ORDERPAID', 'OUT_TRADE_NO_USED']);

type Fields = Record<string, string>;

/** Why there is no answer to act on. */
type NoAnswer = { failure: 'signature_refused' | 'answer_unsigned' | 'no_answer'; detail: string };

/**
 * WeChat Pay 付款码支付, API v2: `micropay`, `orderquery`, `reverse` and refunds. XML and the
 * MD5 / HMAC-SHA256 `sign` with the API key are `wechatpay-axios-plugin`'s (its v2 client);
 * `/secapi/` calls present the merchant's API certificate. The plugin verifies the sign of a
 * SUCCESS answer only: a FAIL answer (USERPAYING, ORDERNOTEXIST…) is verified here with its Hash.
 */
export class WechatV2Gateway implements Gateway {
  readonly provider = 'wechat' as const;
  private readonly client: ReturnType<typeof Decorator.xmlBased>;

  constructor(private readonly keys: WechatV2Keys) {
    const config = {
      mchid: keys.mchid,
      secret: keys.apiKey,
      merchant: { cert: keys.cert, key: keys.privateKey },
      baseURL: keys.baseURL,
      timeout: 10_000,
    };
    // The plugin's v2 client alone: a v2-only merchant has none of the v3 keys `Wechatpay` asks for.
    this.client = Decorator.xmlBased(config);
  }

  /** A FAIL answer's sign, checked as the plugin checks a SUCCESS answer's. */
  private signed(data: Fields): boolean {
    if (!data.sign) return false;
    const type = data.sign.length === 64 ? 'HMAC-SHA256' : 'MD5';
    return Hash.equals(Hash.sign(type, data, this.keys.apiKey), data.sign);
  }

  private async send(path: string, body: Fields, secure = false): Promise<{ data: Fields } | NoAnswer> {
    const request = {
      appid: this.keys.appid,
      mch_id: this.keys.mchid,
      ...body,
      ...(this.keys.signType === 'HMAC-SHA256' && { sign_type: 'HMAC-SHA256' }),
    };
    try {
      // `security`: the plugin presents `merchant` (the API certificate) on this request.
      const reply = await this.client.post(path, request, { security: secure } as object);
      return { data: reply.data as Fields };
    } catch (error) {
      const { code, response } = error as { code?: string; response?: { data?: unknown } };
      const data = response?.data as Fields | undefined;
      if (code === 'EV2_RES_STATUS_CODE_NOT_SUCESS' && data) {
        // return_code FAIL: WeChat refused the request itself (签名错误…), unsigned.
        if (data.return_code !== 'SUCCESS') {
          return { failure: 'signature_refused', detail: data.return_msg ?? 'return_code FAIL' };
        }
        if (this.signed(data)) return { data };
        return { failure: 'answer_unsigned', detail: String(data.err_code) };
      }
      if (code?.startsWith('EV2_RES')) return { failure: 'answer_unsigned', detail: code };
      return { failure: 'no_answer', detail: code || (error as Error).message };
    }
  }

  /** The answer, or null when there was none to trust. */
  private async call(path: string, body: Fields, secure = false): Promise<Fields | null> {
    const answer = await this.send(path, body, secure);
    return 'failure' in answer ? null : answer.data;
  }

  /** The keys tried: an orderquery for an order that cannot exist; ORDERNOTEXIST, signed, is right. */
  async check(): Promise<GatewayCheck> {
    const answer = await this.send('pay/orderquery', { out_trade_no: checkOrderNumber() });
    if ('failure' in answer) return { ok: false, why: answer.failure, detail: answer.detail };
    const { data } = answer;
    if (data.err_code === 'ORDERNOTEXIST') return { ok: true };
    return { ok: false, why: 'unexpected', detail: data.err_code ?? data.trade_state ?? 'SUCCESS' };
  }

  private tradeOf(data: Fields | null): TradeState {
    if (!data) return { state: 'unknown', why: 'no answer' };
    if (data.result_code !== 'SUCCESS') {
      const code = data.err_code ?? '';
      if (code === 'ORDERNOTEXIST') return { state: 'absent' };
      if (code === 'USERPAYING') return { state: 'waiting' };
      if (UNKNOWN.has(code)) return { state: 'unknown', why: code };
      return { state: 'refused', failure: REFUSALS[code] ?? 'refused' };
    }
    // micropay's SUCCESS has no trade_state: the money is taken.
    switch (data.trade_state ?? 'SUCCESS') {
      case 'SUCCESS':
      case 'REFUND':
        return { state: 'paid', transactionId: String(data.transaction_id) };
      case 'USERPAYING':
      case 'NOTPAY':
        return { state: 'waiting' };
      case 'CLOSED':
      case 'REVOKED':
      case 'PAYERROR':
        return { state: 'refused', failure: 'refused' };
      default:
        return { state: 'unknown', why: `trade_state ${data.trade_state}` };
    }
  }

  async pay(order: TradeOrder): Promise<TradeState> {
    return this.tradeOf(
      await this.call('pay/micropay', {
        body: order.description,
        out_trade_no: order.outTradeNo,
        total_fee: String(order.amount),
        fee_type: 'CNY',
        spbill_create_ip: '127.0.0.1',
        auth_code: order.authCode,
      }),
    );
  }

  async query(outTradeNo: string): Promise<TradeState> {
    return this.tradeOf(await this.call('pay/orderquery', { out_trade_no: outTradeNo }));
  }

  /**
   * Reverse (撤销): closes an unpaid order, refunds a paid one. Asked first whether it was paid,
   * so a reverse that gave money back is recorded so; `recall=Y` (or no answer) → ask again.
   */
  async cancel(outTradeNo: string): Promise<CancelState> {
    const before = await this.query(outTradeNo);
    if (before.state === 'unknown') return { state: 'again', why: before.why };
    const answer = await this.call('secapi/pay/reverse', { out_trade_no: outTradeNo }, true);
    if (!answer) return { state: 'again', why: 'no answer' };
    if (answer.recall === 'Y') return { state: 'again', why: 'recall' };
    if (answer.result_code !== 'SUCCESS' && answer.err_code !== 'ORDERNOTEXIST') {
      return { state: 'again', why: answer.err_code ?? 'FAIL' };
    }
    return before.state === 'paid' ? { state: 'refunded' } : { state: 'cancelled' };
  }

  /**
   * Native (顾客扫码), v2: `unifiedorder` with trade_type NATIVE answers the `code_url` the
   * customer display shows; the payment is then followed by orderquery (NOTPAY until scanned).
   */
  async precreate(order: QrOrder): Promise<QrState> {
    const answer = await this.call('pay/unifiedorder', {
      body: order.description,
      out_trade_no: order.outTradeNo,
      total_fee: String(order.amount),
      fee_type: 'CNY',
      spbill_create_ip: '127.0.0.1',
      notify_url: NOTIFY_NOWHERE,
      trade_type: 'NATIVE',
      // Required with NATIVE: the order itself is the product.
      product_id: order.outTradeNo,
    });
    if (!answer) return { state: 'unknown', why: 'no answer' };
    if (answer.result_code === 'SUCCESS' && answer.code_url)
      return { state: 'ready', qrUrl: answer.code_url };
    const code = answer.err_code ?? 'FAIL';
    return UNKNOWN.has(code) ? { state: 'unknown', why: code } : { state: 'refused', failure: 'refused' };
  }

  /**
   * `closeorder`: an unpaid Native order is closed. A paid one cannot be (ORDERPAID): asked
   * again, the follow-up's query finds it paid and gives the money back.
   */
  async close(outTradeNo: string): Promise<CancelState> {
    const answer = await this.call('pay/closeorder', { out_trade_no: outTradeNo });
    if (!answer) return { state: 'again', why: 'no answer' };
    const closed =
      answer.result_code === 'SUCCESS' ||
      answer.err_code === 'ORDERCLOSED' ||
      answer.err_code === 'ORDERNOTEXIST';
    return closed ? { state: 'cancelled' } : { state: 'again', why: answer.err_code ?? 'FAIL' };
  }

  /**
   * 对账: `downloadbill` (bill_type ALL) answers the day's bill as text, the same CSV with its
   * summary as v3's tradebill, unsigned (v2 signs no bill); or XML with return_code FAIL and
   * why: `No Bill Exist` (no trade that day), `Bill Creating` (before about 10:00 the next day).
   */
  async statement(day: string): Promise<StatementAnswer> {
    const request = {
      appid: this.keys.appid,
      mch_id: this.keys.mchid,
      bill_date: day.replaceAll('-', ''),
      bill_type: 'ALL',
      ...(this.keys.signType === 'HMAC-SHA256' && { sign_type: 'HMAC-SHA256' }),
    };
    let text: string;
    try {
      // The plugin reads every answer as XML: the bill is taken as it comes.
      const reply = await this.client.post('pay/downloadbill', request, {
        responseType: 'arraybuffer',
        transformResponse: [(data: unknown) => data],
      } as object);
      text = Buffer.from(reply.data as ArrayBuffer).toString('utf8');
    } catch (error) {
      return {
        state: 'unavailable',
        why: String((error as { code?: unknown }).code || (error as Error).message),
      };
    }
    if (text.trimStart().startsWith('<xml')) {
      const refusal = (Transformer.toObject(text) ?? {}) as Fields;
      if (refusal.return_msg === 'No Bill Exist') {
        return { state: 'ready', statement: { provider: 'wechat', day, trades: [], refunds: [] } };
      }
      if (refusal.return_msg === 'Bill Creating') return { state: 'not_ready' };
      return { state: 'unavailable', why: String(refusal.return_msg ?? refusal.error_code ?? 'FAIL') };
    }
    try {
      return { state: 'ready', statement: parseWechatBill(day, Buffer.from(text, 'utf8')) };
    } catch (error) {
      if (error instanceof BillError)
        return { state: 'unavailable', why: `bill_unreadable: ${error.message}` };
      throw error;
    }
  }

  async refund(order: RefundOrder): Promise<RefundState> {
    const answer = await this.call(
      'secapi/pay/refund',
      {
        out_trade_no: order.outTradeNo,
        out_refund_no: order.outRefundNo,
        total_fee: String(order.total),
        refund_fee: String(order.amount),
      },
      true,
    );
    if (!answer) return { state: 'unknown', why: 'no answer' };
    if (answer.result_code !== 'SUCCESS') {
      const code = answer.err_code ?? 'FAIL';
      return UNKNOWN.has(code) ? { state: 'unknown', why: code } : { state: 'failed', why: code };
    }
    // Accepted: v2 tells the outcome on refundquery only.
    return { state: 'processing', refundId: answer.refund_id };
  }

  async queryRefund(order: RefundOrder): Promise<RefundState> {
    const answer = await this.call('pay/refundquery', { out_refund_no: order.outRefundNo });
    if (!answer) return { state: 'unknown', why: 'no answer' };
    if (answer.result_code !== 'SUCCESS') {
      // Never arrived: asked again under the same out_refund_no, which WeChat keeps to one refund.
      if (answer.err_code === 'REFUNDNOTEXIST') return this.refund(order);
      return { state: 'unknown', why: answer.err_code ?? 'FAIL' };
    }
    const refundId = answer.refund_id_0;
    switch (answer.refund_status_0) {
      case 'SUCCESS':
        return { state: 'succeeded', refundId: String(refundId) };
      case 'PROCESSING':
        return { state: 'processing', refundId };
      default:
        return { state: 'failed', why: String(answer.refund_status_0) };
    }
  }
}

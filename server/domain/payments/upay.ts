import { createHash } from 'node:crypto';
import type { PaymentFailure, PaymentProvider } from '../../protocol/payments.js';
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

/** An activated 收钱吧 terminal: its number and key, and where the API lives. */
export interface UpayKeys {
  terminalSn: string;
  terminalKey: string;
  baseURL: string;
}

type Biz = {
  result_code?: string;
  error_code?: string;
  error_message?: string;
  data?: Record<string, string | undefined>;
};
/** 收钱吧's envelope: `result_code` "200" and `biz_response`, or 400/500 and `error_code`. */
type Envelope = { result_code?: string; error_code?: string; error_message?: string; biz_response?: Biz };

const REFUSALS: Record<string, PaymentFailure> = {
  INSUFFICIENT_FUND: 'insufficient_balance',
  EXPIRED_BARCODE: 'code_expired',
  INVALID_BARCODE: 'code_expired',
};

/**
 * refund_request_no is at most 20 characters and unique within its order; the store's
 * out_refund_no (a return's id) is longer. Its MD5, cut to 20 hex digits, is the same number
 * for every resend of one refund and a different one for another.
 */
export function refundRequestNo(outRefundNo: string): string {
  return createHash('md5').update(outRefundNo, 'utf8').digest('hex').slice(0, 20);
}

/**
 * 收钱吧 (Upay), the aggregator a shop may sign with instead of WeChat Pay and Alipay: one
 * terminal takes both wallets' codes. Its terminal API has no official Node SDK, and its
 * signature is one MD5 (`Authorization: terminal_sn MD5(body + terminal_key)`), so this small
 * client speaks it with node:crypto and fetch. One gateway per wallet: the payment's provider
 * stays WeChat or Alipay by the code, the order number (client_sn) is the store's out_trade_no.
 */
export class UpayGateway implements Gateway {
  readonly aggregator = 'upay' as const;

  /**
   * `renew`: asked once when 收钱吧 refuses a call's signature (ILLEGAL_SIGN), for a fresher key
   * (a check-in); the call is sent again with it. Without it, or with no better key, it fails.
   */
  constructor(
    readonly provider: PaymentProvider,
    private keys: UpayKeys,
    private readonly renew?: (
      refusedKey: string,
    ) => Promise<{ terminalSn: string; terminalKey: string } | null>,
  ) {}

  /** The answer, or why there is none (no connection, a timeout, something that is not 收钱吧's JSON). */
  private async send(path: string, fields: Record<string, string>): Promise<Envelope | { failure: string }> {
    const body = JSON.stringify({ terminal_sn: this.keys.terminalSn, ...fields });
    const sign = createHash('md5')
      .update(body + this.keys.terminalKey, 'utf8')
      .digest('hex');
    try {
      const reply = await fetch(new URL(path, this.keys.baseURL), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `${this.keys.terminalSn} ${sign}` },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      const answer = (await reply.json()) as unknown;
      if (typeof answer !== 'object' || answer === null) return { failure: `HTTP ${reply.status}` };
      return answer as Envelope;
    } catch (error) {
      return { failure: (error as Error).message };
    }
  }

  /** The business answer; null when there was none or 收钱吧 could not say (500). */
  private async call(
    path: string,
    fields: Record<string, string>,
  ): Promise<Biz | { refused: string } | null> {
    let answer = await this.send(path, fields);
    if (!('failure' in answer) && answer.error_code === 'ILLEGAL_SIGN' && this.renew) {
      const fresh = await this.renew(this.keys.terminalKey);
      if (fresh?.terminalSn === this.keys.terminalSn) {
        this.keys = { ...this.keys, terminalKey: fresh.terminalKey };
        answer = await this.send(path, fields);
      }
    }
    if ('failure' in answer) return null;
    if (answer.result_code === '200') return answer.biz_response ?? null;
    // 400: the request itself was refused (nothing done); 500: unknown.
    if (answer.result_code === '400') return { refused: answer.error_code ?? '400' };
    return null;
  }

  async check(): Promise<GatewayCheck> {
    const answer = await this.send('upay/v2/query', { client_sn: checkOrderNumber() });
    if ('failure' in answer) return { ok: false, why: 'no_answer', detail: answer.failure };
    const code = answer.biz_response?.error_code ?? answer.error_code;
    if (answer.result_code === '200' && code === 'UPAY_ORDER_NOT_EXIST') return { ok: true };
    if (code === 'ILLEGAL_SIGN' || code === 'INVALID_TERMINAL') {
      return { ok: false, why: 'signature_refused', detail: code };
    }
    return { ok: false, why: 'unexpected', detail: code ?? `result_code ${answer.result_code}` };
  }

  /** An order as 收钱吧 reports it (query, or what pay answered with). */
  private orderOf(data: Biz['data']): TradeState {
    switch (data?.order_status) {
      case 'PAID':
      case 'PARTIAL_REFUNDED':
      case 'REFUNDED':
        return { state: 'paid', transactionId: String(data.trade_no) };
      case 'CREATED':
        return { state: 'waiting' };
      case 'PAY_CANCELED':
      case 'CANCELED':
        return { state: 'refused', failure: 'refused' };
      default:
        // PAY_ERROR, CANCEL_ERROR…: 收钱吧 itself does not know yet.
        return { state: 'unknown', why: `order_status ${String(data?.order_status)}` };
    }
  }

  async pay(order: TradeOrder): Promise<TradeState> {
    const answer = await this.call('upay/v2/pay', {
      client_sn: order.outTradeNo,
      total_amount: String(order.amount),
      dynamic_id: order.authCode,
      payway: this.provider === 'wechat' ? '3' : '2',
      subject: order.description.slice(0, 64),
      operator: 'Hanger',
    });
    if (!answer) return { state: 'unknown', why: 'no answer' };
    if ('refused' in answer) return { state: 'refused', failure: 'refused' };
    switch (answer.result_code) {
      case 'PAY_SUCCESS':
        return { state: 'paid', transactionId: String(answer.data?.trade_no) };
      case 'PAY_IN_PROGRESS':
        return { state: 'waiting' };
      case 'PAY_FAIL':
        return { state: 'refused', failure: REFUSALS[answer.error_code ?? ''] ?? 'refused' };
      case 'FAIL':
        // Nothing was made, unless the client_sn was already taken: then only a query can say.
        if (answer.error_code === 'CLIENT_SN_CONFLICT')
          return { state: 'unknown', why: 'CLIENT_SN_CONFLICT' };
        return { state: 'refused', failure: REFUSALS[answer.error_code ?? ''] ?? 'refused' };
      default:
        // PAY_FAIL_ERROR and anything in progress: query before deciding.
        return { state: 'unknown', why: String(answer.result_code) };
    }
  }

  async query(outTradeNo: string): Promise<TradeState> {
    const answer = await this.call('upay/v2/query', { client_sn: outTradeNo });
    if (!answer || 'refused' in answer)
      return { state: 'unknown', why: answer ? answer.refused : 'no answer' };
    if (answer.result_code === 'FAIL' && answer.error_code === 'UPAY_ORDER_NOT_EXIST')
      return { state: 'absent' };
    if (answer.result_code !== 'SUCCESS') return { state: 'unknown', why: String(answer.error_code) };
    return this.orderOf(answer.data);
  }

  /**
   * Cancel: 收钱吧 closes an order being paid and gives back a paid one. Whether it had been
   * paid is asked first, so that a cancel which gave money back is recorded so.
   */
  async cancel(outTradeNo: string): Promise<CancelState> {
    const before = await this.query(outTradeNo);
    if (before.state === 'unknown') return { state: 'again', why: before.why };
    const answer = await this.call('upay/v2/cancel', { client_sn: outTradeNo });
    if (!answer || 'refused' in answer) return { state: 'again', why: answer ? answer.refused : 'no answer' };
    const closed =
      answer.result_code === 'CANCEL_SUCCESS' ||
      answer.result_code === 'CANCEL_ABORT_SUCCESS' ||
      (answer.result_code === 'FAIL' &&
        (answer.error_code === 'UPAY_ORDER_NOT_EXIST' || answer.error_code === 'UPAY_CANCEL_ORDER_NOOP'));
    // CANCEL_ERROR, CANCEL_ABORT_ERROR, in progress: not known yet, asked again.
    if (!closed) return { state: 'again', why: String(answer.error_code ?? answer.result_code) };
    return before.state === 'paid' ? { state: 'refunded' } : { state: 'cancelled' };
  }

  /**
   * Pre-create (顾客扫码): 收钱吧 answers the wallet's own code (`qr_code`: weixin://… or
   * https://qr.alipay.com/…) for the exact amount; the payment is then followed by query.
   */
  async precreate(order: QrOrder): Promise<QrState> {
    const answer = await this.call('upay/v2/precreate', {
      client_sn: order.outTradeNo,
      total_amount: String(order.amount),
      payway: this.provider === 'wechat' ? '3' : '2',
      sub_payway: '2',
      subject: order.description.slice(0, 64),
      operator: 'Hanger',
    });
    if (!answer) return { state: 'unknown', why: 'no answer' };
    if ('refused' in answer) return { state: 'refused', failure: 'refused' };
    if (answer.result_code === 'PRECREATE_SUCCESS' && answer.data?.qr_code) {
      return { state: 'ready', qrUrl: answer.data.qr_code };
    }
    // The client_sn taken already: only a query can say by what.
    if (answer.error_code === 'CLIENT_SN_CONFLICT') return { state: 'unknown', why: 'CLIENT_SN_CONFLICT' };
    if (answer.result_code === 'PRECREATE_FAIL' || answer.result_code === 'FAIL') {
      return { state: 'refused', failure: 'refused' };
    }
    return { state: 'unknown', why: String(answer.result_code) };
  }

  /**
   * A QR order is ended as a code payment is: 收钱吧's cancel closes an order not paid yet and
   * gives back one paid a moment before (recorded as `refunded`).
   */
  close(outTradeNo: string): Promise<CancelState> {
    return this.cancel(outTradeNo);
  }

  async refund(order: RefundOrder): Promise<RefundState> {
    const requestNo = refundRequestNo(order.outRefundNo);
    const answer = await this.call('upay/v2/refund', {
      client_sn: order.outTradeNo,
      refund_request_no: requestNo,
      refund_amount: String(order.amount),
      operator: 'Hanger',
    });
    if (!answer) return { state: 'unknown', why: 'no answer' };
    if ('refused' in answer) return { state: 'failed', why: answer.refused };
    // 收钱吧 has no refund number of its own: client_tsn (client_sn-refund_request_no) names it.
    const refundId = answer.data?.client_tsn ?? `${order.outTradeNo}-${requestNo}`;
    if (answer.result_code === 'REFUND_SUCCESS') return { state: 'succeeded', refundId };
    // The same refund_request_no again: already done, nothing more given back.
    if (answer.error_code === 'UPAY_REFUND_ORDER_NOOP') return { state: 'succeeded', refundId };
    if (answer.result_code === 'FAIL') return { state: 'failed', why: String(answer.error_code) };
    return { state: 'unknown', why: String(answer.result_code) };
  }

  /** A refund's outcome: the request again under its refund_request_no, which 收钱吧 keeps to one refund. */
  queryRefund(order: RefundOrder): Promise<RefundState> {
    return this.refund(order);
  }
}

import { AlipaySdk } from 'alipay-sdk';
import type { PaymentFailure } from '../../protocol/payments.js';
import { alipayStatement } from './bills/alipay-bill.js';
import type { StatementAnswer } from './bills/statement.js';
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

/** A merchant's Alipay open-platform app keys and where the gateway lives (the simulator in tests). */
export interface AlipayKeys {
  appId: string;
  /** The app's private key (PKCS#8 PEM): signs every request. */
  privateKey: string;
  /** Alipay's public key (PEM): every answer's signature is checked against it. */
  alipayPublicKey: string;
  gateway: string;
}

/** Alipay's refusals of a bar-code payment, by sub_code, in the store's words. */
const REFUSALS: Record<string, PaymentFailure> = {
  'ACQ.BUYER_BALANCE_NOT_ENOUGH': 'insufficient_balance',
  'ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH': 'insufficient_balance',
  'ACQ.PAYMENT_AUTH_CODE_INVALID': 'code_expired',
};

type Answer = Record<string, unknown>;

/** Fen as Alipay's yuan string with two decimals. */
function yuan(fen: number): string {
  return (fen / 100).toFixed(2);
}

/**
 * Alipay 当面付 bar-code payment: `alipay.trade.pay` with `scene=bar_code`, `alipay.trade.query`,
 * `alipay.trade.cancel`, `alipay.trade.refund` and `alipay.trade.fastpay.refund.query`, signed
 * (RSA2) and verified by Alipay's own `alipay-sdk`. An answer that does not verify counts as no
 * answer.
 */
export class AlipayGateway implements Gateway {
  readonly provider = 'alipay' as const;
  private readonly sdk: AlipaySdk;

  constructor(keys: AlipayKeys) {
    this.sdk = new AlipaySdk({
      appId: keys.appId,
      privateKey: keys.privateKey,
      alipayPublicKey: keys.alipayPublicKey,
      gateway: keys.gateway,
      keyType: 'PKCS8',
      timeout: 10_000,
      camelcase: false,
    });
  }

  /** Alipay's answer once its signature verified (alipay-sdk checks every answer's), or why there is none. */
  private async send(
    method: string,
    bizContent: Record<string, unknown>,
  ): Promise<{ answer: Answer } | { failure: 'answer_unsigned' | 'no_answer'; detail: string }> {
    try {
      return { answer: (await this.sdk.exec(method, { bizContent }, { validateSign: true })) as Answer };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // alipay-sdk's words when an answer came whose signature did not verify.
      if (message.startsWith('验签失败')) return { failure: 'answer_unsigned', detail: message.slice(0, 80) };
      return { failure: 'no_answer', detail: message.slice(0, 200) };
    }
  }

  private async call(method: string, bizContent: Record<string, unknown>): Promise<Answer | null> {
    const sent = await this.send(method, bizContent);
    return 'failure' in sent ? null : sent.answer;
  }

  /**
   * The keys tried: a query for an order that cannot exist. ACQ.TRADE_NOT_EXIST, signed by
   * Alipay, means it accepted our signature and we can check its own.
   */
  async check(): Promise<GatewayCheck> {
    const sent = await this.send('alipay.trade.query', { out_trade_no: checkOrderNumber() });
    if ('failure' in sent) return { ok: false, why: sent.failure, detail: sent.detail };
    const { answer } = sent;
    const sub = typeof answer.sub_code === 'string' ? answer.sub_code : String(answer.code);
    if (sub === 'ACQ.TRADE_NOT_EXIST') return { ok: true };
    if (/^isv\.(invalid-signature|missing-signature|invalid-app-id|invalid-signature-type)$/.test(sub)) {
      return { ok: false, why: 'signature_refused', detail: sub };
    }
    return { ok: false, why: 'unexpected', detail: sub };
  }

  private tradeOf(answer: Answer | null): TradeState {
    if (!answer) return { state: 'unknown', why: 'no answer' };
    const code = String(answer.code);
    const sub = typeof answer.sub_code === 'string' ? answer.sub_code : '';
    if (code === '10003') return { state: 'waiting' };
    if (code === '20000' || sub === 'ACQ.SYSTEM_ERROR') return { state: 'unknown', why: sub || code };
    if (sub === 'ACQ.TRADE_NOT_EXIST') return { state: 'absent' };
    if (code !== '10000') return { state: 'refused', failure: REFUSALS[sub] ?? 'refused' };
    switch (answer.trade_status) {
      case undefined:
      case 'TRADE_SUCCESS':
      case 'TRADE_FINISHED':
        return { state: 'paid', transactionId: String(answer.trade_no) };
      case 'WAIT_BUYER_PAY':
        return { state: 'waiting' };
      case 'TRADE_CLOSED':
        return { state: 'refused', failure: 'refused' };
      default:
        return { state: 'unknown', why: `trade_status ${String(answer.trade_status)}` };
    }
  }

  async pay(order: TradeOrder): Promise<TradeState> {
    return this.tradeOf(
      await this.call('alipay.trade.pay', {
        out_trade_no: order.outTradeNo,
        scene: 'bar_code',
        auth_code: order.authCode,
        subject: order.description,
        total_amount: yuan(order.amount),
      }),
    );
  }

  async query(outTradeNo: string): Promise<TradeState> {
    return this.tradeOf(await this.call('alipay.trade.query', { out_trade_no: outTradeNo }));
  }

  /** `action` says what the cancel did: `close` (nothing taken) or `refund` (the money went back). */
  async cancel(outTradeNo: string): Promise<CancelState> {
    const answer = await this.call('alipay.trade.cancel', { out_trade_no: outTradeNo });
    if (!answer) return { state: 'again', why: 'no answer' };
    if (String(answer.code) !== '10000' || answer.retry_flag === 'Y') {
      return { state: 'again', why: String(answer.sub_code ?? answer.code) };
    }
    return answer.action === 'refund' ? { state: 'refunded' } : { state: 'cancelled' };
  }

  /**
   * 当面付 precreate: the `qr_code` (`https://qr.alipay.com/…`) the customer display shows. The
   * trade exists at Alipay only once a customer scanned it (a query finds none before);
   * `timeout_express` lets Alipay close it by itself should the shop's server never come back.
   */
  async precreate(order: QrOrder): Promise<QrState> {
    const answer = await this.call('alipay.trade.precreate', {
      out_trade_no: order.outTradeNo,
      subject: order.description,
      total_amount: yuan(order.amount),
      timeout_express: `${Math.ceil(order.seconds / 60)}m`,
    });
    if (!answer || String(answer.code) === '20000') {
      return { state: 'unknown', why: answer ? String(answer.sub_code) : 'no answer' };
    }
    if (String(answer.code) === '10000' && typeof answer.qr_code === 'string') {
      return { state: 'ready', qrUrl: answer.qr_code };
    }
    return { state: 'refused', failure: REFUSALS[String(answer.sub_code)] ?? 'refused' };
  }

  /**
   * A QR order ends with `alipay.trade.cancel` rather than `close`: cancel also gives back a
   * trade the customer paid a moment before, where close would leave it paid.
   */
  close(outTradeNo: string): Promise<CancelState> {
    return this.cancel(outTradeNo);
  }

  async refund(order: RefundOrder): Promise<RefundState> {
    const answer = await this.call('alipay.trade.refund', {
      out_trade_no: order.outTradeNo,
      out_request_no: order.outRefundNo,
      refund_amount: yuan(order.amount),
    });
    if (!answer) return { state: 'unknown', why: 'no answer' };
    if (String(answer.code) === '20000') return { state: 'unknown', why: String(answer.sub_code) };
    if (String(answer.code) !== '10000')
      return { state: 'failed', why: String(answer.sub_code ?? answer.code) };
    // Alipay has no refund number of its own: the trade number and our request number name it.
    const refundId = `${String(answer.trade_no)}/${order.outRefundNo}`;
    return answer.fund_change === 'Y' ? { state: 'succeeded', refundId } : this.queryRefund(order);
  }

  async queryRefund(order: RefundOrder): Promise<RefundState> {
    const answer = await this.call('alipay.trade.fastpay.refund.query', {
      out_trade_no: order.outTradeNo,
      out_request_no: order.outRefundNo,
    });
    if (!answer) return { state: 'unknown', why: 'no answer' };
    if (String(answer.code) !== '10000')
      return { state: 'unknown', why: String(answer.sub_code ?? answer.code) };
    if (answer.refund_status === 'REFUND_SUCCESS') {
      return { state: 'succeeded', refundId: `${String(answer.trade_no)}/${order.outRefundNo}` };
    }
    // No refund under this request number: it never arrived; asking again is safe (idempotent).
    if (answer.refund_status === undefined && answer.refund_amount === undefined) return this.refund(order);
    return { state: 'processing' };
  }

  /** The day's trade bill (交易账单), from the zip Alipay links to. */
  statement(day: string): Promise<StatementAnswer> {
    return alipayStatement(this.sdk, day);
  }
}

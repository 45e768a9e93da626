import { Wechatpay } from 'wechatpay-axios-plugin';
import type { PaymentFailure } from '../../protocol/payments.js';
import type { StatementAnswer } from './bills/statement.js';
import { wechatStatement } from './bills/wechat-bill.js';
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

/** A merchant's WeChat Pay API v3 credentials and where the API lives (the simulator in tests). */
export interface WechatKeys {
  mchid: string;
  appid: string;
  /** The merchant certificate's serial number and its private key (PEM). */
  serial: string;
  privateKey: string;
  /** WeChat Pay's platform public key(s) by serial: every answer's signature is checked against them. */
  platformKeys: Record<string, string>;
  baseURL: string;
}

/**
 * Native's required `notify_url`. The shop's server is not reachable from the internet and
 * queries instead, so the notices go to a name that never resolves (`.invalid`, RFC 2606).
 */
export const NOTIFY_NOWHERE = 'https://notify.invalid/hanger/wechatpay';

/** The WeChat Pay refusals of a code payment, in the store's words. */
const REFUSALS: Record<string, PaymentFailure> = {
  NOTENOUGH: 'insufficient_balance',
  NOT_ENOUGH: 'insufficient_balance',
  AUTHCODEEXPIRE: 'code_expired',
  AUTH_CODE_EXPIRE: 'code_expired',
  AUTH_CODE_INVALID: 'code_expired',
};

/** What the plugin's (axios) response carries that matters here. */
interface AxiosResponse {
  status: number;
  data: unknown;
}

interface WechatAnswer {
  status: number;
  data: Record<string, unknown>;
}

/**
 * WeChat Pay 付款码支付, API v3: `codepay`, query by out_trade_no, `reverse` and domestic
 * refunds. Requests are signed and answers verified by `wechatpay-axios-plugin`; an answer
 * whose signature does not verify counts as no answer (the payment is queried again).
 */
export class WechatGateway implements Gateway {
  readonly provider = 'wechat' as const;
  private readonly client: Wechatpay;

  constructor(private readonly keys: WechatKeys) {
    this.client = new Wechatpay({
      mchid: keys.mchid,
      serial: keys.serial,
      privateKey: keys.privateKey,
      certs: keys.platformKeys,
      baseURL: keys.baseURL,
      timeout: 10_000,
    });
  }

  /**
   * WeChat Pay's answer, whatever its status, once its signature verified against the platform
   * key: an error answer (ORDER_NOT_EXIST, SIGN_ERROR…) is signed as a success is, and one that
   * does not verify may be anybody's. Otherwise why there is none.
   */
  private async send(
    method: 'get' | 'post',
    path: string,
    body?: Record<string, unknown>,
  ): Promise<WechatAnswer | { failure: 'answer_unsigned' | 'no_answer'; detail: string }> {
    const resource = this.client.chain(path);
    // Every status is an answer to verify: the plugin checks signatures of 2xx answers only.
    const validateStatus = () => true;
    try {
      const reply: AxiosResponse =
        method === 'get'
          ? await resource.get({ params: { mchid: this.keys.mchid }, validateStatus })
          : await resource.post(body ?? {}, { validateStatus });
      // 204 No Content is `close`'s success: signed like any answer, with an empty body.
      if (reply.status === 204) return { status: 204, data: {} };
      const data = reply.data;
      if (typeof data !== 'object' || data === null) {
        return { failure: 'no_answer', detail: `HTTP ${reply.status} without a JSON body` };
      }
      return { status: reply.status, data: data as Record<string, unknown> };
    } catch (error) {
      const code = String((error as { code?: unknown }).code ?? '');
      // EV3_RES_HEADER_*: an answer came, but WeChat Pay's signature on it did not verify.
      if (code.startsWith('EV3_RES')) return { failure: 'answer_unsigned', detail: code };
      return { failure: 'no_answer', detail: code || (error as Error).message };
    }
  }

  /** The answer, or null when there was none (network, timeout, a signature that did not verify). */
  private async call(
    method: 'get' | 'post',
    path: string,
    body?: Record<string, unknown>,
  ): Promise<WechatAnswer | null> {
    const answer = await this.send(method, path, body);
    return 'failure' in answer ? null : answer;
  }

  /**
   * The keys tried: a query for an order that cannot exist. ORDER_NOT_EXIST, signed by WeChat
   * Pay, means it accepted our signature and we can check its own.
   */
  async check(): Promise<GatewayCheck> {
    const answer = await this.send('get', `v3/pay/transactions/out-trade-no/${checkOrderNumber()}`);
    if ('failure' in answer) return { ok: false, why: answer.failure, detail: answer.detail };
    const code = typeof answer.data.code === 'string' ? answer.data.code : `HTTP ${answer.status}`;
    if (code === 'ORDER_NOT_EXIST' || code === 'ORDERNOTEXIST') return { ok: true };
    if (code === 'SIGN_ERROR' || answer.status === 401)
      return { ok: false, why: 'signature_refused', detail: code };
    return { ok: false, why: 'unexpected', detail: code };
  }

  private tradeOf(answer: WechatAnswer | null): TradeState {
    if (!answer) return { state: 'unknown', why: 'no answer' };
    const { data } = answer;
    const code = typeof data.code === 'string' ? data.code : undefined;
    if (code === 'ORDER_NOT_EXIST' || code === 'ORDERNOTEXIST') return { state: 'absent' };
    if (code === 'USERPAYING') return { state: 'waiting' };
    if (code && REFUSALS[code]) return { state: 'refused', failure: REFUSALS[code] };
    if (code === 'SYSTEMERROR' || code === 'BANKERROR' || answer.status >= 500) {
      return { state: 'unknown', why: code ?? `HTTP ${answer.status}` };
    }
    if (code) return { state: 'refused', failure: 'refused' };
    switch (data.trade_state) {
      case 'SUCCESS':
        return { state: 'paid', transactionId: String(data.transaction_id) };
      case 'USERPAYING':
      case 'NOTPAY':
        return { state: 'waiting' };
      case 'CLOSED':
      case 'REVOKED':
      case 'PAYERROR':
        return { state: 'refused', failure: 'refused' };
      default:
        return { state: 'unknown', why: `trade_state ${String(data.trade_state)}` };
    }
  }

  async pay(order: TradeOrder): Promise<TradeState> {
    return this.tradeOf(
      await this.call('post', 'v3/pay/transactions/codepay', {
        appid: this.keys.appid,
        mchid: this.keys.mchid,
        description: order.description,
        out_trade_no: order.outTradeNo,
        amount: { total: order.amount, currency: 'CNY' },
        payer: { auth_code: order.authCode },
      }),
    );
  }

  async query(outTradeNo: string): Promise<TradeState> {
    return this.tradeOf(await this.call('get', `v3/pay/transactions/out-trade-no/${outTradeNo}`));
  }

  /**
   * Reverse: WeChat closes an unpaid order and refunds a paid one. Whether it had been paid is
   * asked first, so that a reverse which gave money back is recorded as such.
   */
  async cancel(outTradeNo: string): Promise<CancelState> {
    const before = await this.query(outTradeNo);
    if (before.state === 'unknown') return { state: 'again', why: before.why };
    const answer = await this.call('post', `v3/pay/transactions/out-trade-no/${outTradeNo}/reverse`, {
      appid: this.keys.appid,
      mchid: this.keys.mchid,
    });
    if (!answer || answer.status >= 500) return { state: 'again', why: 'no answer' };
    if (answer.data.recall === true) return { state: 'again', why: 'recall' };
    if (answer.status >= 400 && answer.data.code !== 'ORDER_NOT_EXIST') {
      return { state: 'again', why: String(answer.data.code) };
    }
    return before.state === 'paid' ? { state: 'refunded' } : { state: 'cancelled' };
  }

  /**
   * Native: the code URL (`weixin://wxpay/bizpayurl?pr=…`) the customer display shows; the
   * payment is then followed by query, as a scanned code's is.
   */
  async precreate(order: QrOrder): Promise<QrState> {
    const answer = await this.call('post', 'v3/pay/transactions/native', {
      appid: this.keys.appid,
      mchid: this.keys.mchid,
      description: order.description,
      out_trade_no: order.outTradeNo,
      notify_url: NOTIFY_NOWHERE,
      amount: { total: order.amount, currency: 'CNY' },
    });
    if (!answer || answer.status >= 500 || answer.data.code === 'SYSTEMERROR') {
      return { state: 'unknown', why: answer ? String(answer.data.code ?? answer.status) : 'no answer' };
    }
    if (answer.status < 300 && typeof answer.data.code_url === 'string') {
      return { state: 'ready', qrUrl: answer.data.code_url };
    }
    return { state: 'refused', failure: 'refused' };
  }

  /**
   * Closes an unpaid Native order (`…/close`, 204). A paid one cannot be closed: WeChat refuses
   * and the next query finds it paid. An order WeChat never made is as good as closed.
   */
  async close(outTradeNo: string): Promise<CancelState> {
    const answer = await this.call('post', `v3/pay/transactions/out-trade-no/${outTradeNo}/close`, {
      mchid: this.keys.mchid,
    });
    if (!answer) return { state: 'again', why: 'no answer' };
    if (answer.status === 204 || answer.data.code === 'ORDER_NOT_EXIST') return { state: 'cancelled' };
    return { state: 'again', why: String(answer.data.code ?? answer.status) };
  }

  private refundOf(answer: WechatAnswer | null): RefundState {
    if (!answer || answer.status >= 500) return { state: 'unknown', why: 'no answer' };
    const { data } = answer;
    if (answer.status >= 400) return { state: 'failed', why: String(data.code ?? answer.status) };
    const refundId = String(data.refund_id);
    if (data.status === 'SUCCESS') return { state: 'succeeded', refundId };
    if (data.status === 'PROCESSING') return { state: 'processing', refundId };
    return { state: 'failed', why: String(data.status) };
  }

  async refund(order: RefundOrder): Promise<RefundState> {
    return this.refundOf(
      await this.call('post', 'v3/refund/domestic/refunds', {
        out_trade_no: order.outTradeNo,
        out_refund_no: order.outRefundNo,
        amount: { refund: order.amount, total: order.total, currency: 'CNY' },
      }),
    );
  }

  async queryRefund(order: RefundOrder): Promise<RefundState> {
    const answer = await this.call('get', `v3/refund/domestic/refunds/${order.outRefundNo}`);
    if (answer?.data.code === 'RESOURCE_NOT_EXISTS') return this.refund(order);
    return this.refundOf(answer);
  }

  /** The day's trade bill (交易账单), its hash checked. */
  statement(day: string): Promise<StatementAnswer> {
    return wechatStatement(this.client, day);
  }
}

import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PaymentProvider } from '../../../protocol/payments.js';
import { providerOf } from '../provider.js';
import type { SimulatorBooks } from './books.js';
import type { SimTrade } from './records.js';

type Body = Record<string, string | undefined>;
type Biz = {
  result_code: string;
  error_code?: string;
  error_message?: string;
  data?: Record<string, string>;
};
/** 收钱吧's envelope: `result_code` 200 and the business answer, or 400/500 and why. */
type Answer =
  | { result_code: '200'; biz_response: Biz }
  | { result_code: '400' | '500'; error_code: string; error_message: string }
  | 'lost';

/** 收钱吧's payway numbers: 2 Alipay, 3 WeChat. */
const PAYWAY: Record<PaymentProvider, string> = { alipay: '2', wechat: '3' };

const biz = (result: Biz): Answer => ({ result_code: '200', biz_response: result });
const failed = (resultCode: string, errorCode: string, message: string): Answer =>
  biz({ result_code: resultCode, error_code: errorCode, error_message: message });

/** A client_sn names one order whichever wallet paid it: the simulator keeps it under that provider. */
function tradeOf(sim: SimulatorBooks, clientSn: string): SimTrade | undefined {
  return sim.records.trade('wechat', clientSn) ?? sim.records.trade('alipay', clientSn);
}

function refunded(sim: SimulatorBooks, trade: SimTrade): number {
  return sim.records.refundsOf(trade.provider, trade.outTradeNo).reduce((sum, r) => sum + r.amount, 0);
}

function orderStatus(sim: SimulatorBooks, trade: SimTrade): string {
  switch (trade.state) {
    case 'USERPAYING':
      return 'CREATED';
    case 'SUCCESS': {
      const back = refunded(sim, trade);
      return back === 0 ? 'PAID' : back < trade.amount ? 'PARTIAL_REFUNDED' : 'REFUNDED';
    }
    case 'REVOKED':
      return 'CANCELED';
    default:
      return 'PAY_CANCELED';
  }
}

function data(sim: SimulatorBooks, trade: SimTrade): Record<string, string> {
  const status = orderStatus(sim, trade);
  return {
    terminal_sn: sim.keys.upay.terminalSn,
    sn: `789${trade.transactionId.slice(-13)}`,
    client_sn: trade.outTradeNo,
    trade_no: trade.transactionId,
    status: status === 'CREATED' ? 'IN_PROG' : status.startsWith('PAY_') ? 'FAIL_CANCELED' : 'SUCCESS',
    order_status: status,
    payway: PAYWAY[trade.provider],
    sub_payway: '1',
    total_amount: String(trade.amount),
    net_amount: String(trade.state === 'SUCCESS' ? trade.amount - refunded(sim, trade) : 0),
    finish_time: String(Date.parse(trade.paidAt ?? trade.createdAt)),
  };
}

function pay(sim: SimulatorBooks, body: Body): Answer {
  const clientSn = body.client_sn ?? '';
  // 收钱吧 takes a client_sn once: a second pay request is refused, the order is queried instead.
  if (tradeOf(sim, clientSn)) return failed('FAIL', 'CLIENT_SN_CONFLICT', 'client_sn在系统中已存在');
  const provider = providerOf(body.dynamic_id ?? '');
  if (!provider) return failed('PAY_FAIL', 'INVALID_BARCODE', '条码错误');
  const trade = sim.newTrade(provider, clientSn, Number(body.total_amount), body.dynamic_id ?? '');
  switch (trade.behaviour) {
    case '2':
    case '3':
      return biz({ result_code: 'PAY_IN_PROGRESS', data: data(sim, trade) });
    case '4':
      return biz({
        result_code: 'PAY_FAIL',
        error_code: 'INSUFFICIENT_FUND',
        error_message: '账户金额不足',
        data: data(sim, trade),
      });
    case '5':
      return { result_code: '500', error_code: 'UNKNOWN_SYSTEM_ERROR', error_message: '系统错误' };
    case '6':
      return 'lost';
    case '7':
      return biz({
        result_code: 'PAY_FAIL',
        error_code: 'EXPIRED_BARCODE',
        error_message: '过期的支付条码',
        data: data(sim, trade),
      });
    default:
      return biz({ result_code: 'PAY_SUCCESS', data: data(sim, trade) });
  }
}

function query(sim: SimulatorBooks, body: Body): Answer {
  const trade = tradeOf(sim, body.client_sn ?? '');
  if (!trade) return failed('FAIL', 'UPAY_ORDER_NOT_EXIST', '订单不存在');
  return biz({ result_code: 'SUCCESS', data: data(sim, sim.look(trade, true)) });
}

/** Cancel (and revoke, its manual twin): closes an order being paid, gives back a paid one. */
function cancel(sim: SimulatorBooks, body: Body): Answer {
  const trade = tradeOf(sim, body.client_sn ?? '');
  if (!trade) return failed('FAIL', 'UPAY_ORDER_NOT_EXIST', '订单不存在');
  if (trade.state === 'CLOSED' || trade.state === 'REVOKED' || trade.state === 'REFUSED') {
    return failed('FAIL', 'UPAY_CANCEL_ORDER_NOOP', '无效操作，订单已经是撤单状态了');
  }
  const beingPaid = sim.look(trade, false).state === 'USERPAYING';
  sim.reverse(trade.provider, trade.outTradeNo);
  const now = sim.records.trade(trade.provider, trade.outTradeNo) as SimTrade;
  return biz({ result_code: beingPaid ? 'CANCEL_ABORT_SUCCESS' : 'CANCEL_SUCCESS', data: data(sim, now) });
}

function refund(sim: SimulatorBooks, body: Body): Answer {
  const trade = tradeOf(sim, body.client_sn ?? '');
  if (!trade) return failed('FAIL', 'UPAY_ORDER_NOT_EXIST', '订单不存在');
  // refund_request_no is unique within its order: client_tsn (client_sn-refund_request_no) names the refund.
  const clientTsn = `${trade.outTradeNo}-${body.refund_request_no ?? ''}`;
  const seen = sim.records.refund(trade.provider, clientTsn);
  if (seen) return failed('FAIL', 'UPAY_REFUND_ORDER_NOOP', '无效操作，本次退款退款已经完成了');
  const done = sim.refund(trade.provider, trade.outTradeNo, clientTsn, Number(body.refund_amount));
  if (!done.ok) {
    return done.why === 'not_paid'
      ? failed('FAIL', 'UPAY_REFUND_INVALID_ORDER_STATE', '当前订单状态不可退款')
      : failed('FAIL', 'REFUNDABLE_AMOUNT_NOT_ENOUGH', '订单可退金额不足');
  }
  // The aggregator answers once the wallet has refunded (no PROCESSING left to follow), and
  // names the refund by client_tsn: it has no refund number of its own.
  const kept = sim.records.refund(trade.provider, clientTsn);
  if (kept) sim.records.putRefund({ ...kept, state: 'SUCCESS', refundId: clientTsn });
  return biz({ result_code: 'REFUND_SUCCESS', data: { ...data(sim, done.trade), client_tsn: clientTsn } });
}

const ROUTES: Record<string, (sim: SimulatorBooks, body: Body) => Answer> = {
  '/upay/v2/pay': pay,
  '/upay/v2/query': query,
  '/upay/v2/cancel': cancel,
  '/upay/v2/revoke': cancel,
  '/upay/v2/refund': refund,
};

/**
 * 收钱吧 (Upay) terminal API at its wire format: JSON, every request signed
 * `Authorization: <terminal_sn> <MD5(body + terminal_key)>` and refused with 400 ILLEGAL_SIGN
 * when it is not; answers are not signed (收钱吧 signs none). One terminal takes WeChat and
 * Alipay codes alike: the trade is kept under the wallet the code belongs to.
 */
export function upay(
  sim: SimulatorBooks,
  req: IncomingMessage,
  url: URL,
  raw: string,
  res: ServerResponse,
): void {
  const { terminalSn, terminalKey } = sim.keys.upay;
  const expected = `${terminalSn} ${createHash('md5')
    .update(raw + terminalKey, 'utf8')
    .digest('hex')}`;
  let body: Body = {};
  try {
    body = JSON.parse(raw || '{}') as Body;
  } catch {
    body = {};
  }
  const route = ROUTES[url.pathname];
  let answer: Answer;
  if (req.headers.authorization !== expected) {
    answer = { result_code: '400', error_code: 'ILLEGAL_SIGN', error_message: '签名错误' };
  } else if (body.terminal_sn !== terminalSn) {
    answer = { result_code: '400', error_code: 'INVALID_TERMINAL', error_message: '终端错误' };
  } else if (!route) {
    answer = {
      result_code: '400',
      error_code: 'INVALID_PARAMS',
      error_message: 'no such API in the simulator',
    };
  } else {
    answer = route(sim, body);
  }
  if (answer === 'lost') {
    res.socket?.destroy();
    return;
  }
  res.statusCode = 200;
  res.setHeader('content-type', 'application/json;charset=utf-8');
  res.end(JSON.stringify(answer));
}

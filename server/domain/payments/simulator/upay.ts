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
/** Activation's and check-in's business answer: the terminal's number and (new) key, no result code. */
type TerminalKeys = { terminal_sn: string; terminal_key: string };
/** 收钱吧's envelope: `result_code` 200 and the business answer, or 400/500 and why. */
type Answer =
  | { result_code: '200'; biz_response: Biz | TerminalKeys }
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
    sub_payway: trade.qrUrl ? '2' : '1',
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

/** Pre-create (顾客扫码): an order waiting for a customer to scan its code; the wallet is `payway`'s. */
function precreate(sim: SimulatorBooks, body: Body): Answer {
  const provider = Object.entries(PAYWAY).find(([, payway]) => payway === body.payway)?.[0] as
    | PaymentProvider
    | undefined;
  if (!provider) return failed('PRECREATE_FAIL', 'UNEXPECTED_PROVIDER_ERROR', '不认识的支付通道');
  const clientSn = body.client_sn ?? '';
  if (tradeOf(sim, clientSn)) return failed('FAIL', 'CLIENT_SN_CONFLICT', 'client_sn在系统中已存在');
  const trade = sim.qrTrade(provider, clientSn, Number(body.total_amount));
  return biz({
    result_code: 'PRECREATE_SUCCESS',
    data: { ...data(sim, trade), sub_payway: '2', qr_code: trade.qrUrl ?? '' },
  });
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
  '/upay/v2/precreate': precreate,
  '/upay/v2/query': query,
  '/upay/v2/cancel': cancel,
  '/upay/v2/revoke': cancel,
  '/upay/v2/refund': refund,
};

const terminal = (terminalSn: string, terminalKey: string): Answer => ({
  result_code: '200',
  biz_response: { terminal_sn: terminalSn, terminal_key: terminalKey },
});

const ILLEGAL_SIGN: Answer = { result_code: '400', error_code: 'ILLEGAL_SIGN', error_message: '签名错误' };

/**
 * Activation, signed by the vendor (服务商): a one-time 激活码 makes a terminal. A code never
 * given or already used is refused (the error code is the simulator's: 收钱吧 documents none).
 */
function activate(
  sim: SimulatorBooks,
  signer: string,
  sign: (key: string) => string,
  given: string,
  body: Body,
): Answer {
  const vendor = sim.keys.upay;
  if (signer !== vendor.vendorSn || sign(vendor.vendorKey) !== given) return ILLEGAL_SIGN;
  if (body.app_id !== vendor.appId || !body.device_id) {
    return { result_code: '400', error_code: 'INVALID_PARAMS', error_message: '参数错误' };
  }
  const made = sim.terminals.activate(body.code ?? '', body.device_id);
  if (!made) return { result_code: '400', error_code: 'INVALID_PARAMS', error_message: '激活码无效或已使用' };
  return terminal(made.terminalSn, made.terminalKey);
}

/**
 * 收钱吧 (Upay) terminal API at its wire format: JSON, every request signed
 * `Authorization: <terminal_sn> <MD5(body + terminal_key)>` (activation: the vendor's number and
 * key) and refused with 400 ILLEGAL_SIGN when it is not; answers are not signed (收钱吧 signs
 * none). A terminal's key is its current one or the one before the last check-in. One terminal
 * takes WeChat and Alipay codes alike: the trade is kept under the wallet the code belongs to.
 */
export function upay(
  sim: SimulatorBooks,
  req: IncomingMessage,
  url: URL,
  raw: string,
  res: ServerResponse,
): void {
  const [signer = '', given = ''] = String(req.headers.authorization ?? '').split(' ');
  const sign = (key: string) =>
    createHash('md5')
      .update(raw + key, 'utf8')
      .digest('hex');
  let body: Body = {};
  try {
    body = JSON.parse(raw || '{}') as Body;
  } catch {
    body = {};
  }
  const route = ROUTES[url.pathname];
  let answer: Answer;
  if (url.pathname === '/terminal/activate') {
    answer = activate(sim, signer, sign, given, body);
  } else if (!sim.terminals.verifies(signer, sign, given, url.pathname === '/terminal/checkin')) {
    answer = ILLEGAL_SIGN;
  } else if (body.terminal_sn !== signer) {
    answer = { result_code: '400', error_code: 'INVALID_TERMINAL', error_message: '终端错误' };
  } else if (url.pathname === '/terminal/checkin') {
    answer = terminal(signer, sim.terminals.checkIn(signer) as string);
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

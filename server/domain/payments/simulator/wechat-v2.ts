import type { ServerResponse } from 'node:http';
import { Formatter, Hash, Transformer } from 'wechatpay-axios-plugin';
import type { SimulatorBooks } from './books.js';
import type { SimTrade } from './records.js';

type Fields = Record<string, string>;
type SignType = 'MD5' | 'HMAC-SHA256';

/**
 * A v2 answer: its business fields (signed), unsigned ones (a refusal), a bill's text (as
 * downloadbill answers, unsigned), or the socket closed after the work was done.
 */
type Answer = { fields: Fields } | { unsigned: Fields } | { text: string } | 'lost';

/** WeChat's v2 names of a trade's states (orderquery's trade_state). */
const TRADE_STATE: Record<SimTrade['state'], string> = {
  USERPAYING: 'USERPAYING',
  SUCCESS: 'SUCCESS',
  REFUSED: 'PAYERROR',
  CLOSED: 'CLOSED',
  REVOKED: 'REVOKED',
};

const fail = (errCode: string, errCodeDes: string): Answer => ({
  fields: { result_code: 'FAIL', err_code: errCode, err_code_des: errCodeDes },
});

/**
 * Trades whose first reverse answered `recall=Y`: a reverse while the customer is still
 * confirming is asked again, as WeChat Pay does when it cannot close the order at once.
 */
const recalled = new WeakMap<SimulatorBooks, Set<string>>();

function paidFields(sim: SimulatorBooks, trade: SimTrade): Fields {
  return {
    result_code: 'SUCCESS',
    openid: 'oSimulatorCustomer',
    is_subscribe: 'N',
    trade_type: trade.qrUrl ? 'NATIVE' : 'MICROPAY',
    bank_type: 'OTHERS',
    fee_type: 'CNY',
    total_fee: String(trade.amount),
    cash_fee: String(trade.amount),
    transaction_id: trade.transactionId,
    out_trade_no: trade.outTradeNo,
    time_end: (trade.paidAt ?? sim.records.now().toISOString()).replace(/\D/g, '').slice(0, 14),
  };
}

function micropay(sim: SimulatorBooks, body: Fields): Answer {
  const seen = sim.records.trade('wechat', body.out_trade_no ?? '');
  if (seen) {
    if (seen.state === 'CLOSED') return fail('ORDERCLOSED', '订单已关闭');
    if (seen.state === 'REVOKED') return fail('ORDERREVERSED', '订单已撤销');
    if (seen.behaviour === '6') return 'lost';
    const now = sim.look(seen, false);
    if (now.state === 'USERPAYING') return fail('USERPAYING', '需要用户输入支付密码');
    if (now.state === 'REFUSED') return fail('NOTENOUGH', '余额不足');
    return { fields: paidFields(sim, now) };
  }
  const trade = sim.newTrade('wechat', body.out_trade_no ?? '', Number(body.total_fee), body.auth_code ?? '');
  switch (trade.behaviour) {
    case '2':
    case '3':
      return fail('USERPAYING', '需要用户输入支付密码');
    case '4':
      return fail('NOTENOUGH', '余额不足');
    case '5':
      return fail('SYSTEMERROR', '接口返回错误');
    case '6':
      return 'lost';
    case '7':
      return fail('AUTHCODEEXPIRE', '二维码已过期，请用户在微信上刷新后再试');
    default:
      return { fields: paidFields(sim, trade) };
  }
}

function orderquery(sim: SimulatorBooks, body: Fields): Answer {
  const trade = sim.records.trade('wechat', body.out_trade_no ?? '');
  if (!trade) return fail('ORDERNOTEXIST', '此交易订单号不存在');
  const now = sim.look(trade, true);
  const fields: Fields =
    now.state === 'SUCCESS'
      ? paidFields(sim, now)
      : { result_code: 'SUCCESS', out_trade_no: now.outTradeNo, total_fee: String(now.amount) };
  // A QR order nobody has paid yet is NOTPAY; a scanned 付款码 being confirmed USERPAYING.
  const state = now.state === 'USERPAYING' && now.qrUrl ? 'NOTPAY' : TRADE_STATE[now.state];
  return { fields: { ...fields, trade_state: state } };
}

/** Native (顾客扫码): an order waiting for a customer to scan `code_url`; the same number is the same order. */
function unifiedorder(sim: SimulatorBooks, body: Fields): Answer {
  if (body.trade_type !== 'NATIVE') return fail('PARAM_ERROR', '模拟器只支持 trade_type=NATIVE');
  if (!body.notify_url || !body.product_id)
    return fail('PARAM_ERROR', 'NATIVE 需要 notify_url 和 product_id');
  const trade = sim.qrTrade('wechat', body.out_trade_no ?? '', Number(body.total_fee));
  if (trade.state === 'CLOSED' || trade.state === 'REVOKED') return fail('ORDERCLOSED', '订单已关闭');
  if (trade.state === 'SUCCESS') return fail('ORDERPAID', '订单已支付');
  return {
    fields: {
      result_code: 'SUCCESS',
      trade_type: 'NATIVE',
      prepay_id: `wx${trade.transactionId.slice(-20)}`,
      code_url: trade.qrUrl ?? '',
    },
  };
}

/** closeorder: an unpaid order is closed; a paid one cannot be (ORDERPAID). */
function closeorder(sim: SimulatorBooks, body: Fields): Answer {
  const trade = sim.records.trade('wechat', body.out_trade_no ?? '');
  if (!trade) return fail('ORDERNOTEXIST', '此交易订单号不存在');
  const now = sim.look(trade, false);
  if (now.state === 'SUCCESS') return fail('ORDERPAID', '订单已支付，不能发起关单');
  if (now.state !== 'USERPAYING') return fail('ORDERCLOSED', '订单已关闭');
  now.state = 'CLOSED';
  sim.records.putTrade(now);
  return { fields: { result_code: 'SUCCESS' } };
}

function reverse(sim: SimulatorBooks, body: Fields): Answer {
  const outTradeNo = body.out_trade_no ?? '';
  const trade = sim.records.trade('wechat', outTradeNo);
  let asked = recalled.get(sim);
  if (!asked) {
    asked = new Set();
    recalled.set(sim, asked);
  }
  if (trade?.state === 'USERPAYING' && !asked.has(outTradeNo)) {
    asked.add(outTradeNo);
    return {
      fields: {
        result_code: 'FAIL',
        err_code: 'SYSTEMERROR',
        err_code_des: '请调用撤销接口重试',
        recall: 'Y',
      },
    };
  }
  sim.reverse('wechat', outTradeNo);
  return { fields: { result_code: 'SUCCESS', recall: 'N' } };
}

function refund(sim: SimulatorBooks, body: Fields): Answer {
  const outRefundNo = body.out_refund_no ?? '';
  const done = sim.refund('wechat', body.out_trade_no ?? '', outRefundNo, Number(body.refund_fee));
  if (!done.ok) {
    return done.why === 'not_paid'
      ? fail('ORDERNOTEXIST', '订单不存在或未支付')
      : fail('ERROR', '退款金额大于可退金额');
  }
  return {
    fields: {
      result_code: 'SUCCESS',
      transaction_id: done.trade.transactionId,
      out_trade_no: done.trade.outTradeNo,
      out_refund_no: outRefundNo,
      refund_id: done.refundId,
      refund_fee: body.refund_fee ?? '',
      total_fee: String(done.trade.amount),
      cash_fee: String(done.trade.amount),
    },
  };
}

function refundquery(sim: SimulatorBooks, body: Fields): Answer {
  const found = sim.records.refund('wechat', body.out_refund_no ?? '');
  if (!found) return fail('REFUNDNOTEXIST', '退款订单查询失败');
  // As with v3: PROCESSING on the refund's answer, SUCCESS from the first query on.
  if (found.state === 'PROCESSING') {
    sim.records.putRefund({ ...found, state: 'SUCCESS', succeededAt: sim.records.now().toISOString() });
  }
  return {
    fields: {
      result_code: 'SUCCESS',
      out_trade_no: found.outTradeNo,
      refund_count: '1',
      out_refund_no_0: found.outRefundNo,
      refund_id_0: found.refundId,
      refund_fee_0: String(found.amount),
      refund_status_0: 'SUCCESS',
    },
  };
}

/** downloadbill: the day's bill (bill_date YYYYMMDD, bill_type ALL) as text, or why there is none. */
function downloadbill(sim: SimulatorBooks, body: Fields): Answer {
  const date = /^(\d{4})(\d{2})(\d{2})$/.exec(body.bill_date ?? '');
  if (!date || body.bill_type !== 'ALL') {
    return { unsigned: { return_code: 'FAIL', return_msg: 'invalid bill_date or bill_type' } };
  }
  const bill = sim.bills.wechatV2Bill(`${date[1]}-${date[2]}-${date[3]}`);
  if ('text' in bill) return bill;
  return {
    unsigned: {
      return_code: 'FAIL',
      return_msg: bill.fail,
      error_code: bill.fail === 'No Bill Exist' ? '20002' : '20001',
    },
  };
}

const ROUTES: Record<string, (sim: SimulatorBooks, body: Fields) => Answer> = {
  '/pay/micropay': micropay,
  '/pay/orderquery': orderquery,
  '/pay/unifiedorder': unifiedorder,
  '/pay/closeorder': closeorder,
  '/secapi/pay/reverse': reverse,
  '/secapi/pay/refund': refund,
  '/pay/refundquery': refundquery,
  '/pay/downloadbill': downloadbill,
};

/**
 * WeChat Pay API v2 (付款码支付 `micropay` and its query, reverse and refunds) at its wire
 * format: XML both ways, every request's `sign` checked against the merchant's API key (MD5 or
 * HMAC-SHA256 as `sign_type` says), every answer signed with it the same way; a request that
 * does not verify gets WeChat's unsigned `return_code=FAIL`. The merchant's TLS certificate on
 * `/secapi/` cannot be checked here: the simulator speaks plain HTTP on 127.0.0.1.
 */
export function wechatV2(sim: SimulatorBooks, url: URL, raw: string, res: ServerResponse): void {
  const keys = sim.keys;
  let body: Fields = {};
  try {
    body = (Transformer.toObject(raw) ?? {}) as Fields;
  } catch {
    body = {};
  }
  const signType: SignType = body.sign_type === 'HMAC-SHA256' ? 'HMAC-SHA256' : 'MD5';
  const route = ROUTES[url.pathname];
  let answer: Answer;
  if (!route) {
    answer = { unsigned: { return_code: 'FAIL', return_msg: 'no such API in the simulator' } };
  } else if (
    body.mch_id !== keys.wechat.mchid ||
    body.appid !== keys.wechat.appid ||
    !body.sign ||
    !Hash.equals(Hash.sign(signType, body, keys.wechatV2.apiKey), body.sign)
  ) {
    answer = { unsigned: { return_code: 'FAIL', return_msg: '签名错误' } };
  } else {
    answer = route(sim, body);
  }
  if (answer === 'lost') {
    res.socket?.destroy();
    return;
  }
  if ('text' in answer) {
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.end(answer.text);
    return;
  }
  let fields: Fields;
  if ('unsigned' in answer) fields = answer.unsigned;
  else {
    fields = {
      return_code: 'SUCCESS',
      return_msg: 'OK',
      appid: keys.wechat.appid,
      mch_id: keys.wechat.mchid,
      nonce_str: Formatter.nonce(),
      ...answer.fields,
    };
    const key = sim.forgeAnswers ? `${keys.wechatV2.apiKey.slice(1)}x` : keys.wechatV2.apiKey;
    fields.sign = Hash.sign(signType, fields, key);
  }
  res.statusCode = 200;
  res.setHeader('content-type', 'text/xml; charset=utf-8');
  res.end(Transformer.toXml(fields));
}

import type { AlipaySdk } from 'alipay-sdk';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import {
  BillError,
  fenOfYuan,
  type Statement,
  type StatementAnswer,
  type StatementRefund,
  type StatementTrade,
} from './statement.js';
import { readZip } from './zip.js';

/**
 * Alipay's 交易账单: `alipay.data.dataservice.bill.downloadurl.query` (bill_type `trade`) answers,
 * signed, a link valid for 30 seconds to a zip of two GBK CSV files, the day's details
 * (…_业务明细.csv) and their sum (…_业务明细(汇总).csv). The details have `#` lines around
 * them, values padded with spaces and tabs, and a footer counting the trades and refunds.
 */

const DETAIL_HEAD = '支付宝交易号';
const DETAIL_END = '#-----------------------------------------业务明细列表结束';
/** The footer: `#交易合计：3笔，退款合计：1笔`. */
const FOOTER = /#交易合计：(\d+)笔，退款合计：(\d+)笔/;

type Row = Record<string, string>;

function field(row: Row, name: string): string {
  const value = row[name];
  if (value === undefined) throw new BillError(`the bill has no column ${name}`);
  return value;
}

/** The details file of Alipay's trade bill (GBK) as the day's statement, its counts checked. */
export function parseAlipayBill(day: string, file: Buffer): Statement {
  const text = iconv.decode(file, 'gbk');
  const headAt = text.indexOf(DETAIL_HEAD);
  const endAt = text.indexOf(DETAIL_END);
  const footer = FOOTER.exec(text);
  if (headAt < 0 || endAt < headAt || !footer) throw new BillError('not an Alipay trade bill');
  const rows = parse(text.slice(headAt, endAt), {
    columns: (head: string[]) => head.map((h) => h.trim()),
    trim: true,
    skip_empty_lines: true,
  }) as Row[];
  const trades: StatementTrade[] = [];
  const refunds: StatementRefund[] = [];
  for (const row of rows) {
    const kind = field(row, '业务类型');
    const outTradeNo = field(row, '商户订单号');
    const transactionId = field(row, '支付宝交易号');
    // Refund rows carry negative amounts.
    const amount = Math.abs(fenOfYuan(field(row, '订单金额（元）')));
    if (kind === '交易') trades.push({ outTradeNo, transactionId, amount, state: 'paid' });
    else if (kind === '退款') {
      const outRefundNo = field(row, '退款批次号/请求号');
      refunds.push({
        outTradeNo,
        outRefundNo,
        refundId: `${transactionId}/${outRefundNo}`,
        amount,
        state: 'succeeded',
      });
    }
  }
  if (Number(footer[1]) !== trades.length || Number(footer[2]) !== refunds.length) {
    throw new BillError('the bill details do not add up to its footer');
  }
  // Money a cancel gave back is a refund with no request number of ours: the trade was revoked.
  for (const refund of refunds.filter((r) => r.outRefundNo === '')) {
    const trade = trades.find((t) => t.outTradeNo === refund.outTradeNo);
    if (trade) trade.state = 'revoked';
  }
  return { provider: 'alipay', day, trades, refunds: refunds.filter((r) => r.outRefundNo !== '') };
}

/** The day's bill through the merchant's SDK (answer signed and verified); failures said, not thrown. */
export async function alipayStatement(sdk: AlipaySdk, day: string): Promise<StatementAnswer> {
  let answer: Record<string, unknown>;
  try {
    answer = (await sdk.exec(
      'alipay.data.dataservice.bill.downloadurl.query',
      { bizContent: { bill_type: 'trade', bill_date: day } },
      { validateSign: true },
    )) as Record<string, unknown>;
  } catch (error) {
    return {
      state: 'unavailable',
      why: (error instanceof Error ? error.message : String(error)).slice(0, 120),
    };
  }
  if (String(answer.code) !== '10000' || typeof answer.bill_download_url !== 'string') {
    // Alipay answers isp.bill_not_exist both before the bill is made and for a wrong day.
    if (answer.sub_code === 'isp.bill_not_exist') return { state: 'not_ready' };
    return { state: 'unavailable', why: String(answer.sub_code ?? answer.code) };
  }
  try {
    const reply = await fetch(answer.bill_download_url, { signal: AbortSignal.timeout(30_000) });
    if (!reply.ok) return { state: 'unavailable', why: `download HTTP ${reply.status}` };
    const entries = readZip(Buffer.from(await reply.arrayBuffer()));
    const details = entries.find((e) => e.name.endsWith('业务明细.csv'));
    if (!details) return { state: 'unavailable', why: 'bill_unreadable: no details file in the zip' };
    return { state: 'ready', statement: parseAlipayBill(day, details.data) };
  } catch (error) {
    return {
      state: 'unavailable',
      why: (error instanceof Error ? error.message : String(error)).slice(0, 120),
    };
  }
}

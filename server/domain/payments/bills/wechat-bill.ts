import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type { Wechatpay } from 'wechatpay-axios-plugin';
import {
  BillError,
  fenOfYuan,
  type Statement,
  type StatementAnswer,
  type StatementRefund,
  type StatementTrade,
} from './statement.js';

/**
 * WeChat Pay's 交易账单 (API v3): `GET /v3/bill/tradebill?bill_date&bill_type=ALL` answers a
 * signed `download_url` with the file's SHA1; the file itself comes unsigned, so its hash is
 * what proves it. The file is CSV whose every value starts with a backtick (so spreadsheets keep
 * long numbers as text), then a summary part the details are checked against.
 */

/** The detail and summary headers as WeChat Pay documents them; the file is refused without them. */
const DETAIL_HEAD = '交易时间';
const SUMMARY_HEAD = '总交易单数';

type Row = Record<string, string>;

function rowsOf(text: string): Row[] {
  const rows = parse(text, { columns: true, skip_empty_lines: true, relax_column_count: false }) as Row[];
  // Every value is written `value: the backtick is WeChat's, not part of it.
  return rows.map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k.trim(), v.replace(/^`/, '').trim()])),
  );
}

function field(row: Row, name: string): string {
  const value = row[name];
  if (value === undefined) throw new BillError(`the bill has no column ${name}`);
  return value;
}

const REFUND_STATES: Record<string, StatementRefund['state']> = {
  SUCCESS: 'succeeded',
  PROCESSING: 'processing',
  FAIL: 'failed',
  CHANGE: 'failed',
  REFUNDCLOSE: 'failed',
};

/** A tradebill (bill_type ALL) as the day's statement, its totals checked against its summary. */
export function parseWechatBill(day: string, file: Buffer): Statement {
  const text = file.toString('utf8').replace(/^\uFEFF/, '');
  const detailAt = text.indexOf(DETAIL_HEAD);
  const summaryAt = text.indexOf(SUMMARY_HEAD);
  if (detailAt < 0 || summaryAt < detailAt) throw new BillError('not a WeChat Pay trade bill');
  const details = rowsOf(text.slice(detailAt, summaryAt));
  const [summary] = rowsOf(text.slice(summaryAt));
  if (!summary) throw new BillError('the bill has no summary');
  const trades: StatementTrade[] = [];
  const refunds: StatementRefund[] = [];
  let settled = 0;
  let refunded = 0;
  for (const row of details) {
    const state = field(row, '交易状态');
    const outTradeNo = field(row, '商户订单号');
    // The summary adds payments' amounts and refunds' amounts, whatever else a row repeats.
    if (state === 'REFUND') {
      refunded += fenOfYuan(field(row, '退款金额'));
      refunds.push({
        outTradeNo,
        outRefundNo: field(row, '商户退款单号'),
        refundId: field(row, '微信退款单号'),
        amount: fenOfYuan(field(row, '申请退款金额')),
        state: REFUND_STATES[field(row, '退款状态')] ?? 'processing',
      });
    } else {
      settled += fenOfYuan(field(row, '应结订单金额'));
      if (state !== 'SUCCESS' && state !== 'REVOKED') continue;
      trades.push({
        outTradeNo,
        transactionId: field(row, '微信订单号'),
        amount: fenOfYuan(field(row, '订单金额')),
        state: state === 'SUCCESS' ? 'paid' : 'revoked',
      });
    }
  }
  // A file cut short or a column misread shows here rather than as false differences. Whether
  // 总交易单数 counts the refund rows too WeChat Pay does not say: either count is taken.
  const count = Number(field(summary, '总交易单数'));
  if (
    (count !== details.length && count !== details.length - refunds.length) ||
    fenOfYuan(field(summary, '应结订单总金额')) !== settled ||
    fenOfYuan(field(summary, '退款总金额')) !== refunded
  ) {
    throw new BillError('the bill details do not add up to its summary');
  }
  return { provider: 'wechat', day, trades, refunds };
}

interface Reply {
  status: number;
  data: unknown;
}

/** The day's bill through the merchant's signed client; every failure said, none thrown. */
export async function wechatStatement(client: Wechatpay, day: string): Promise<StatementAnswer> {
  let asked: Reply;
  try {
    asked = await client
      .chain('v3/bill/tradebill')
      .get({ params: { bill_date: day, bill_type: 'ALL' }, validateStatus: () => true });
  } catch (error) {
    return {
      state: 'unavailable',
      why: String((error as { code?: unknown }).code ?? (error as Error).message),
    };
  }
  const answer = (asked.data ?? {}) as Record<string, unknown>;
  // WeChat Pay's words: no successful trade that day, and the bill not made yet (after 10:00).
  if (answer.code === 'NO_STATEMENT_EXIST') {
    return { state: 'ready', statement: { provider: 'wechat', day, trades: [], refunds: [] } };
  }
  if (answer.code === 'STATEMENT_CREATING') return { state: 'not_ready' };
  if (asked.status !== 200 || typeof answer.download_url !== 'string') {
    return { state: 'unavailable', why: String(answer.code ?? `HTTP ${asked.status}`) };
  }
  try {
    // Only the token is taken from the link: the request (and our signature) goes to the
    // endpoint the merchant set up, never to a host named in an answer.
    const token = Object.fromEntries(new URL(answer.download_url).searchParams);
    const file: Reply = await client
      .chain('v3/billdownload/file')
      .get({ params: token, responseType: 'arraybuffer' });
    const body = Buffer.from(file.data as ArrayBuffer);
    const algorithm = String(answer.hash_type ?? 'SHA1').toLowerCase();
    if (createHash(algorithm).update(body).digest('hex') !== String(answer.hash_value).toLowerCase()) {
      return { state: 'unavailable', why: 'hash_mismatch' };
    }
    return { state: 'ready', statement: parseWechatBill(day, body) };
  } catch (error) {
    if (error instanceof BillError) return { state: 'unavailable', why: `bill_unreadable: ${error.message}` };
    return {
      state: 'unavailable',
      why: String((error as { code?: unknown }).code ?? (error as Error).message),
    };
  }
}

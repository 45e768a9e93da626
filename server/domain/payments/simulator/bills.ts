import { createHash, randomBytes } from 'node:crypto';
import iconv from 'iconv-lite';
import type { PaymentProvider } from '../../../protocol/payments.js';
import { writeZip } from '../bills/zip.js';
import type { SimulatorKeys } from './keys.js';
import type { SimRefund, SimTrade, SimulatorRecords } from './records.js';

/**
 * The simulated providers' statements of a day, made from the simulator's own books in the
 * files' real formats: WeChat Pay's backtick CSV with its summary and SHA1, Alipay's zip of GBK
 * CSV files. So a payment the simulator took whose answer was lost shows on the provider's side.
 * A day's bill is there from 10:00 (Beijing) the next day, by the simulator's clock.
 */

const BEIJING_MS = 8 * 3600_000;

/** Where an instant falls in Beijing: its day and its "YYYY-MM-DD HH:mm:ss". */
function beijing(iso: string): { day: string; time: string } {
  const local = new Date(Date.parse(iso) + BEIJING_MS).toISOString();
  return { day: local.slice(0, 10), time: `${local.slice(0, 10)} ${local.slice(11, 19)}` };
}

function yuan(fen: number): string {
  return (fen / 100).toFixed(2);
}

function feeOf(fen: number): number {
  return Math.round(fen * 0.006);
}

export class SimulatorBills {
  /** Bills handed out, by download token: the file a hash was given for is the file served. */
  private readonly files = new Map<string, Buffer>();

  constructor(
    private readonly records: SimulatorRecords,
    private readonly keys: SimulatorKeys,
  ) {}

  /** Whether day's bill is made yet: from 10:00 Beijing the next day. */
  ready(day: string): boolean {
    const next = Date.parse(`${day}T10:00:00+08:00`) + 86_400_000;
    return this.records.now().getTime() >= next;
  }

  private ofDay(provider: PaymentProvider, day: string): { trades: SimTrade[]; refunds: SimRefund[] } {
    const { trades, refunds } = this.records.all();
    return {
      trades: trades.filter(
        (t) =>
          t.provider === provider &&
          t.paidAt !== null &&
          (t.state === 'SUCCESS' || t.state === 'REVOKED') &&
          beijing(t.paidAt).day === day,
      ),
      refunds: refunds.filter((r) => r.provider === provider && beijing(r.createdAt).day === day),
    };
  }

  private keep(file: Buffer): string {
    const token = randomBytes(12).toString('hex');
    this.files.set(token, file);
    return token;
  }

  /** A bill handed out earlier, by its token. */
  file(token: string): Buffer | undefined {
    return this.files.get(token);
  }

  /** `GET /v3/bill/tradebill`: the link and hash of the day's bill, or WeChat Pay's refusal. */
  wechatTradebill(day: string, baseUrl: string): { status: number; body: Record<string, unknown> } {
    if (!this.ready(day)) {
      return { status: 400, body: { code: 'STATEMENT_CREATING', message: '账单生成中，请在10点后再下载' } };
    }
    const { trades, refunds } = this.ofDay('wechat', day);
    if (trades.length === 0 && refunds.length === 0) {
      return { status: 400, body: { code: 'NO_STATEMENT_EXIST', message: '账单文件不存在' } };
    }
    const file = Buffer.from(this.wechatBill(day, trades, refunds), 'utf8');
    const token = this.keep(file);
    return {
      status: 200,
      body: {
        hash_type: 'SHA1',
        hash_value: createHash('sha1').update(file).digest('hex'),
        download_url: `${baseUrl}/v3/billdownload/file?token=${token}`,
      },
    };
  }

  /**
   * v2 `downloadbill`: the same bill as text, or WeChat Pay's return_msg when there is none
   * (`Bill Creating` before 10:00 the next day, `No Bill Exist` for a day without trades).
   */
  wechatV2Bill(day: string): { text: string } | { fail: 'Bill Creating' | 'No Bill Exist' } {
    if (!this.ready(day)) return { fail: 'Bill Creating' };
    const { trades, refunds } = this.ofDay('wechat', day);
    if (trades.length === 0 && refunds.length === 0) return { fail: 'No Bill Exist' };
    return { text: this.wechatBill(day, trades, refunds) };
  }

  private wechatBill(day: string, trades: SimTrade[], refunds: SimRefund[]): string {
    const w = this.keys.wechat;
    const end = Date.parse(`${day}T00:00:00+08:00`) + 86_400_000;
    const line = (values: string[]) => values.map((v) => `\`${v}`).join(',');
    const rows: string[] = [];
    let settled = 0;
    let refunded = 0;
    let fees = 0;
    let ordered = 0;
    for (const t of trades) {
      settled += t.amount;
      ordered += t.amount;
      fees += feeOf(t.amount);
      const state = t.state === 'SUCCESS' ? 'SUCCESS' : 'REVOKED';
      rows.push(
        line([
          beijing(t.paidAt as string).time,
          w.appid,
          w.mchid,
          '0',
          '',
          t.transactionId,
          t.outTradeNo,
          `oSim${t.transactionId.slice(-8)}`,
          t.qrUrl ? 'NATIVE' : 'MICROPAY',
          state,
          'OTHERS',
          'CNY',
          yuan(t.amount),
          '0.00',
          '0',
          '0',
          '0.00',
          '0.00',
          '',
          '',
          '服装',
          '',
          yuan(feeOf(t.amount)),
          '0.60%',
          yuan(t.amount),
          '0.00',
          '',
        ]),
      );
    }
    for (const r of refunds) {
      const trade = this.records.trade('wechat', r.outTradeNo);
      // As the day ended: a refund still processing then shows so, however it ended later.
      const done = r.state === 'SUCCESS' && Date.parse(r.succeededAt ?? r.createdAt) < end;
      refunded += r.amount;
      rows.push(
        line([
          beijing(r.createdAt).time,
          w.appid,
          w.mchid,
          '0',
          '',
          trade?.transactionId ?? '',
          r.outTradeNo,
          `oSim${(trade?.transactionId ?? '').slice(-8)}`,
          'MICROPAY',
          'REFUND',
          'OTHERS',
          'CNY',
          '0.00',
          '0.00',
          r.refundId,
          r.outRefundNo,
          yuan(r.amount),
          '0.00',
          'ORIGINAL',
          done ? 'SUCCESS' : 'PROCESSING',
          '服装',
          '',
          '0.00',
          '0.60%',
          '0.00',
          yuan(r.amount),
          '',
        ]),
      );
    }
    return [
      '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注',
      ...rows,
      '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
      line([
        String(rows.length),
        yuan(settled),
        yuan(refunded),
        '0.00',
        yuan(fees),
        yuan(ordered),
        yuan(refunded),
      ]),
      '',
    ].join('\r\n');
  }

  /** `alipay.data.dataservice.bill.downloadurl.query`: the link to the day's zip, or Alipay's refusal. */
  alipayDownloadUrl(day: string, baseUrl: string): Record<string, unknown> {
    if (!this.ready(day)) {
      return { code: '40004', msg: 'Business Failed', sub_code: 'isp.bill_not_exist', sub_msg: '账单不存在' };
    }
    const compact = day.replaceAll('-', '');
    const pid = `2088${this.keys.alipay.appId.slice(-12).padStart(12, '0')}`;
    const details = iconv.encode(this.alipayBill(day, pid), 'gbk');
    const summary = iconv.encode(
      `#支付宝业务汇总查询\r\n门店编号,门店名称,交易订单总笔数,退款订单总笔数\r\n合计,,${this.ofDay('alipay', day).trades.length},${this.ofDay('alipay', day).refunds.length}\r\n`,
      'gbk',
    );
    const zip = writeZip([
      { name: `${pid}0156_${compact}_业务明细.csv`, data: details },
      { name: `${pid}0156_${compact}_业务明细(汇总).csv`, data: summary },
    ]);
    const token = this.keep(zip);
    return {
      code: '10000',
      msg: 'Success',
      bill_download_url: `${baseUrl}/downloadBillFile.resource?bizType=trade&fileType=csv.zip&bizDates=${compact}&token=${token}`,
    };
  }

  private alipayBill(day: string, pid: string): string {
    const { trades, refunds } = this.ofDay('alipay', day);
    const line = (values: string[]) => values.map((v) => `${v}\t`).join(',');
    const row = (t: { id: string; out: string; kind: string; at: string; amount: string; request: string }) =>
      line([
        t.id,
        t.out,
        t.kind,
        '服装',
        t.at,
        t.at,
        '',
        '',
        '',
        '',
        'cus***@example.com',
        t.amount,
        t.amount,
        '0.00',
        '0.00',
        '0.00',
        '0.00',
        '0.00',
        '',
        '0.00',
        '0.00',
        t.request,
        '0.00',
        '0.00',
        '',
      ]);
    const rows: string[] = [];
    let refundRows = 0;
    for (const t of trades) {
      const at = beijing(t.paidAt as string).time;
      rows.push(
        row({
          id: t.transactionId,
          out: t.outTradeNo,
          kind: '交易',
          at,
          amount: yuan(t.amount),
          request: '',
        }),
      );
      if (t.state === 'REVOKED') {
        // A cancel that gave the money back: a refund Alipay made, with no request number of ours.
        refundRows += 1;
        rows.push(
          row({
            id: t.transactionId,
            out: t.outTradeNo,
            kind: '退款',
            at,
            amount: yuan(-t.reversedPaid),
            request: '',
          }),
        );
      }
    }
    for (const r of refunds) {
      refundRows += 1;
      const trade = this.records.trade('alipay', r.outTradeNo);
      rows.push(
        row({
          id: trade?.transactionId ?? '',
          out: r.outTradeNo,
          kind: '退款',
          at: beijing(r.createdAt).time,
          amount: yuan(-r.amount),
          request: r.outRefundNo,
        }),
      );
    }
    const [y, m, d] = day.split('-');
    const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10).split('-');
    return [
      '#支付宝业务明细查询',
      `#账号：[${pid}0156]`,
      `#起始日期：[${y}年${m}月${d}日 00:00:00]   终止日期：[${next[0]}年${next[1]}月${next[2]}日 00:00:00]`,
      '#-----------------------------------------业务明细列表----------------------------------------',
      '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注',
      ...rows,
      '#-----------------------------------------业务明细列表结束------------------------------------',
      `#交易合计：${trades.length}笔，退款合计：${refundRows}笔`,
      `#导出时间：[${beijing(this.records.now().toISOString()).time}]`,
      '',
    ].join('\r\n');
  }
}

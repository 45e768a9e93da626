import type { SlipDocument, SlipItem } from '../../server/protocol/printing.js';
import type { PaymentMethod } from '../../server/protocol/receipt.js';
import { type Block, money } from './blocks.js';
import { formatTime } from './layout.js';
import { type Charset, spread, wrap } from './text-width.js';

export interface SlipLayout {
  columns: number;
  charset: Charset;
  reprint?: boolean;
  cut: boolean;
}

type Words = typeof ZH;
const ZH = {
  shift_close: '交班单',
  top_up: '充值单',
  cash_in: '存款单',
  paid_out: '取款单',
  reprint: '** 重印 **',
  member: '会员',
  method: '付款方式',
  since: '开班',
  at: '交班',
  cashier: '收银员',
  terminal: '收银台',
  note: '备注',
  time: '时间',
  over: '长款',
  short: '短款',
  balanced: '无差异',
  items: {
    float: '备用金',
    salesCount: '销售笔数',
    salesTotal: '销售金额',
    refunds: '退款',
    cashIn: '存款',
    paidOut: '取款',
    expected: '应有现金',
    counted: '实点现金',
    variance: '差额',
    amount: '金额',
    bonus: '赠送',
    balance: '储值余额',
  } as Record<SlipItem, string>,
  methods: {
    cash: '现金',
    wechat: '微信支付',
    alipay: '支付宝',
    card: '银行卡',
    stored_value: '储值卡',
    coupon: '优惠券',
    other: '其他',
  } as Record<PaymentMethod, string>,
};
/** A printer without Chinese fonts gets English words. */
const EN: Words = {
  shift_close: 'SHIFT CLOSE',
  top_up: 'TOP-UP',
  cash_in: 'CASH IN',
  paid_out: 'PAID OUT',
  reprint: '** REPRINT **',
  member: 'Member',
  method: 'Paid with',
  since: 'Opened',
  at: 'Closed',
  cashier: 'Cashier',
  terminal: 'Till',
  note: 'Note',
  time: 'Time',
  over: 'Over',
  short: 'Short',
  balanced: 'Balanced',
  items: {
    float: 'Float',
    salesCount: 'Sales',
    salesTotal: 'Sales total',
    refunds: 'Refunds',
    cashIn: 'Cash in',
    paidOut: 'Paid out',
    expected: 'Expected cash',
    counted: 'Counted cash',
    variance: 'Variance',
    amount: 'Amount',
    bonus: 'Bonus',
    balance: 'Stored value',
  },
  methods: {
    cash: 'Cash',
    wechat: 'WeChat Pay',
    alipay: 'Alipay',
    card: 'Card',
    stored_value: 'Stored value',
    coupon: 'Coupon',
    other: 'Other',
  },
};

/** Counts are printed as they are; every other figure is money. */
const COUNTS: ReadonlySet<SlipItem> = new Set(['salesCount']);

/**
 * A counter slip on the receipt printer: the 交班单 with the shift's figures, each tender's
 * takings, and the variance said as 长款 (more cash than expected) or 短款 (less), never as a
 * bare negative number a tired cashier misreads; the 充值单 and 存款单 / 取款单 likewise.
 */
export function layoutSlip(doc: SlipDocument, layout: SlipLayout): Block[] {
  const { columns, charset } = layout;
  const w = charset === 'ascii' ? EN : ZH;
  const blocks: Block[] = [];
  const text = (value: string, extra: { align?: 'center'; bold?: boolean; big?: boolean } = {}) => {
    const width = extra.big ? Math.floor(columns / 2) : columns;
    for (const line of wrap(value, width, charset)) blocks.push({ type: 'text', text: line, ...extra });
  };
  const row = (left: string, right: string, bold = false) =>
    blocks.push({ type: 'text', text: spread(left, right, columns, charset), ...(bold && { bold }) });

  text(doc.store.name, { align: 'center', big: true, bold: true });
  text(w[doc.kind], { align: 'center', bold: true });
  if (layout.reprint) text(w.reprint, { align: 'center', bold: true });
  blocks.push({ type: 'rule', char: '=' });
  if (doc.since) text(`${w.since}: ${formatTime(doc.since, doc.timeZone)}`);
  text(`${doc.kind === 'shift_close' ? w.at : w.time}: ${formatTime(doc.at, doc.timeZone)}`);
  text(`${w.cashier}: ${doc.cashier.name}${doc.terminalName ? `  ${w.terminal}: ${doc.terminalName}` : ''}`);
  if (doc.member) row(`${w.member}: ${doc.member.name ?? ''}`.trimEnd(), doc.member.phoneMasked);
  blocks.push({ type: 'rule', char: '-' });
  for (const { item, value } of doc.figures) {
    if (item === 'variance') {
      const said = value > 0 ? w.over : value < 0 ? w.short : w.balanced;
      row(`${w.items.variance} (${said})`, money(Math.abs(value)), true);
    } else {
      row(w.items[item], COUNTS.has(item) ? String(value) : money(value), item === 'expected');
    }
    if (item === 'salesTotal' && doc.payments.length > 0) {
      for (const payment of doc.payments) row(`  ${w.methods[payment.method]}`, money(payment.amount));
    }
  }
  if (doc.method) row(w.method, w.methods[doc.method]);
  if (doc.note) {
    blocks.push({ type: 'rule', char: '-' });
    text(`${w.note}: ${doc.note}`);
  }
  blocks.push({ type: 'feed', lines: 3 });
  if (layout.cut) blocks.push({ type: 'cut' });
  return blocks;
}

import type { PaymentMethod, ReceiptDocument } from '../../server/protocol/receipt.js';
import { type Block, money } from './blocks.js';
import { type Charset, pad, spread, wrap } from './text-width.js';

export interface ReceiptLayout {
  /** Characters per line in the normal font: 48 on 80 mm paper, 32 on 58 mm. */
  columns: number;
  charset: Charset;
  /** NV logo key, if the printer has one stored. */
  logo?: number | undefined;
  qr: boolean;
  /** Mark the copy as a reprint. */
  reprint?: boolean;
  cut: boolean;
}

type Words = typeof ZH;
const ZH = {
  sale: '销售小票',
  refund: '退货单',
  reprint: '** 重印 REPRINT **',
  number: '单号',
  time: '时间',
  cashier: '收银员',
  terminal: '收银台',
  qty: 'x',
  subtotal: '小计',
  discounts: '优惠',
  total: '合计',
  change: '找零',
  member: '会员',
  tier: '等级',
  pointsEarned: '本次积分',
  pointsBalance: '积分余额',
  storedValue: '储值余额',
  currency: '￥',
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
/** A printer without Chinese fonts gets English words (names it cannot print become '?'). */
const EN: Words = {
  sale: 'SALES RECEIPT',
  refund: 'REFUND',
  reprint: '** REPRINT **',
  number: 'No.',
  time: 'Time',
  cashier: 'Cashier',
  terminal: 'Till',
  qty: 'x',
  subtotal: 'Subtotal',
  discounts: 'Discounts',
  total: 'TOTAL',
  change: 'Change',
  member: 'Member',
  tier: 'Tier',
  pointsEarned: 'Points earned',
  pointsBalance: 'Points balance',
  storedValue: 'Stored value',
  currency: '¥',
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

const timeFormats = new Map<string, Intl.DateTimeFormat>();
function formatTime(iso: string, timeZone: string): string {
  let format = timeFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('sv-SE', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hour12: false,
    });
    timeFormats.set(timeZone, format);
  }
  return format.format(new Date(iso));
}

/** Lays a receipt document out in blocks for a printer of this width and charset. */
export function layoutReceipt(doc: ReceiptDocument, layout: ReceiptLayout): Block[] {
  const { columns, charset } = layout;
  const w = charset === 'ascii' ? EN : ZH;
  const blocks: Block[] = [];
  const text = (value: string, extra: Omit<Extract<Block, { type: 'text' }>, 'type' | 'text'> = {}) => {
    const width = extra.big ? Math.floor(columns / 2) : columns;
    for (const line of wrap(value, width, charset)) blocks.push({ type: 'text', text: line, ...extra });
  };
  const row = (left: string, right: string, extra: { big?: boolean; bold?: boolean } = {}) =>
    blocks.push({
      type: 'text',
      text: spread(left, right, extra.big ? Math.floor(columns / 2) : columns, charset),
      ...extra,
    });
  const rule = (char: '-' | '=' = '-') => blocks.push({ type: 'rule', char });

  if (layout.logo) blocks.push({ type: 'logo', key: layout.logo });
  text(doc.store.name, { align: 'center', big: true, bold: true });
  if (doc.store.address) text(doc.store.address, { align: 'center' });
  if (doc.store.phone) text(doc.store.phone, { align: 'center' });
  text(doc.kind === 'refund' ? w.refund : w.sale, { align: 'center', bold: true });
  if (layout.reprint) text(w.reprint, { align: 'center', bold: true });
  rule('=');
  text(`${w.number}: ${doc.saleNumber}`);
  text(`${w.time}: ${formatTime(doc.at, doc.timeZone)}`);
  text(`${w.cashier}: ${doc.cashier.name}${doc.terminalName ? `  ${w.terminal}: ${doc.terminalName}` : ''}`);
  rule();

  for (const line of doc.lines) {
    text(line.name, { bold: true });
    const variant = [line.color, line.size].filter(Boolean).join('/');
    const detail = `  ${variant ? `${variant}  ` : ''}${line.quantity} ${w.qty} ${money(line.unitPrice)}`;
    const discounted = line.discounts.length > 0;
    row(detail, discounted ? '' : money(line.total));
    for (const discount of line.discounts) row(`  ${discount.label}`, money(-discount.amount));
    if (discounted) row('', money(line.total));
  }
  rule();
  row(w.subtotal, money(doc.subtotal));
  for (const discount of doc.discounts) row(discount.label, money(-discount.amount));
  const saved =
    doc.discounts.reduce((sum, d) => sum + d.amount, 0) +
    doc.lines.reduce((sum, l) => sum + l.discounts.reduce((s, d) => s + d.amount, 0), 0);
  if (saved !== 0) row(w.discounts, money(-saved));
  row(w.total, `${w.currency}${money(doc.total)}`, { big: true, bold: true });
  for (const payment of doc.payments) {
    const label = payment.label ?? w.methods[payment.method];
    row(payment.reference ? `${label} (${payment.reference})` : label, money(payment.amount));
  }
  if (doc.change !== 0 || doc.payments.some((p) => p.method === 'cash')) row(w.change, money(doc.change));

  if (doc.member) {
    const m = doc.member;
    rule();
    row(`${w.member}: ${m.name ?? ''}`.trimEnd(), m.phoneMasked);
    if (m.tier) row(w.tier, m.tier);
    row(w.pointsEarned, `${m.pointsEarned >= 0 ? '+' : ''}${m.pointsEarned}`);
    row(w.pointsBalance, String(m.pointsBalance));
    if (m.storedValueBalance !== undefined) row(w.storedValue, money(m.storedValueBalance));
  }
  if (doc.footer?.length) {
    rule();
    for (const line of doc.footer) text(line, { align: 'center' });
  }
  if (doc.barcode) blocks.push({ type: 'barcode', data: doc.saleNumber });
  if (layout.qr && doc.qr) blocks.push({ type: 'qr', data: doc.qr === true ? doc.saleNumber : doc.qr });
  blocks.push({ type: 'feed', lines: 3 });
  if (layout.cut) blocks.push({ type: 'cut' });
  return blocks;
}

/** The blocks as plain text, as a person would read the paper (virtual printer, previews). */
export function renderText(blocks: readonly Block[], columns: number, charset: Charset): string {
  const out: string[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case 'text':
        out.push(
          pad(
            block.text,
            columns,
            block.big && block.align !== 'center' ? 'left' : (block.align ?? 'left'),
            charset,
          ),
        );
        break;
      case 'rule':
        out.push(block.char.repeat(columns));
        break;
      case 'barcode':
        out.push(pad(`||||| ${block.data} |||||`, columns, 'center', charset));
        break;
      case 'qr':
        out.push(pad(`[QR ${block.data}]`, columns, 'center', charset));
        break;
      case 'logo':
        out.push(pad(`[logo ${block.key}]`, columns, 'center', charset));
        break;
      case 'feed':
        for (let i = 0; i < block.lines; i++) out.push('');
        break;
      case 'cut':
        out.push(`${'- '.repeat(Math.floor(columns / 2) - 2)}✂`);
        break;
    }
  }
  return `${out.join('\n')}\n`;
}

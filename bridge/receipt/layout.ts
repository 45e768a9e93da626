import type { PaymentMethod, ReceiptDocument, ReceiptLogo } from '../../server/protocol/receipt.js';
import { type Block, money } from './blocks.js';
import { type Charset, pad, spread, textWidth, wrap } from './text-width.js';

export interface ReceiptLayout {
  /** Characters per line in the normal font: 48 on 80 mm paper, 32 on 58 mm. */
  columns: number;
  charset: Charset;
  /** NV logo key, if the printer has one stored. */
  logo?: number | undefined;
  /** The shop's logo from the admin page, printed as an image where no NV logo is set. */
  shopLogo?: ReceiptLogo | null | undefined;
  qr: boolean;
  /** Mark the copy as a reprint. */
  reprint?: boolean;
  cut: boolean;
}

type Words = typeof ZH;
const ZH = {
  sale: '销售小票',
  refund: '退货单',
  reprint: '** 重印 **',
  training: '** 练习单，不是销售 **',
  number: '单号',
  time: '时间',
  cashier: '收银员',
  terminal: '收银台',
  originalNumber: '原单号',
  styleCode: '款号',
  qty: 'x',
  returned: '退',
  subtotal: '小计',
  total: '合计',
  refundTotal: '退款金额',
  change: '找零',
  listTotal: '原价合计',
  saved: '共优惠',
  returnsPolicy: '退换须知',
  thanks: '谢谢惠顾',
  member: '会员',
  tier: '等级',
  pointsEarned: '本次积分',
  pointsBalance: '积分余额',
  storedValue: '储值余额',
  invite: '邀请好友入会 双方有礼',
  inviteCode: '邀请码',
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
  training: '** TRAINING - NOT A SALE **',
  number: 'No.',
  time: 'Time',
  cashier: 'Cashier',
  terminal: 'Till',
  originalNumber: 'Original sale',
  styleCode: 'Style',
  qty: 'x',
  returned: 'Returned',
  subtotal: 'Subtotal',
  total: 'TOTAL',
  refundTotal: 'REFUND',
  change: 'Change',
  listTotal: 'Regular price',
  saved: 'You saved',
  returnsPolicy: 'Returns',
  thanks: 'Thank you',
  member: 'Member',
  tier: 'Tier',
  pointsEarned: 'Points earned',
  pointsBalance: 'Points balance',
  storedValue: 'Stored value',
  invite: 'Invite a friend: you both get a gift',
  inviteCode: 'Invitation code',
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
export function formatTime(iso: string, timeZone: string): string {
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
function logoImage(logo: ReceiptLogo): Block {
  return { type: 'image', width: logo.width, height: logo.height, bits: Buffer.from(logo.bits, 'base64') };
}

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
  /** The total in the double-size font where it fits half the columns, else in bold. */
  const sum = (label: string, fen: number) => {
    const amount = `${w.currency}${money(fen)}`;
    const big = textWidth(label, charset) + textWidth(amount, charset) < Math.floor(columns / 2);
    row(label, amount, { big, bold: true });
  };
  const rule = (char: '-' | '=' = '-') => blocks.push({ type: 'rule', char });

  if (layout.logo) blocks.push({ type: 'logo', key: layout.logo });
  else if (layout.shopLogo) blocks.push(logoImage(layout.shopLogo));
  text(doc.store.name, { align: 'center', big: true, bold: true });
  if (doc.store.address) text(doc.store.address, { align: 'center' });
  if (doc.store.phone) text(doc.store.phone, { align: 'center' });
  for (const line of doc.header ?? []) text(line, { align: 'center' });
  text(doc.kind === 'refund' ? w.refund : w.sale, { align: 'center', bold: true });
  if (layout.reprint) text(w.reprint, { align: 'center', bold: true });
  if (doc.training) text(w.training, { align: 'center', bold: true });
  rule('=');
  text(`${w.number}: ${doc.saleNumber}`);
  if (doc.originalSaleNumber) text(`${w.originalNumber}: ${doc.originalSaleNumber}`);
  text(`${w.time}: ${formatTime(doc.at, doc.timeZone)}`);
  text(`${w.cashier}: ${doc.cashier.name}${doc.terminalName ? `  ${w.terminal}: ${doc.terminalName}` : ''}`);
  rule();

  // A refund slip reads in what goes back to the customer: its amounts are printed positive.
  const refund = doc.kind === 'refund';
  const shown = (fen: number) => (refund ? Math.abs(fen) : fen);
  for (const line of doc.lines) {
    text(line.name, { bold: true });
    const about = [
      line.styleCode && `${w.styleCode} ${line.styleCode}`,
      [line.color, line.size].filter(Boolean).join('/'),
    ]
      .filter(Boolean)
      .join('  ');
    const back = !refund && line.quantity < 0;
    const count = `${back ? `${w.returned} ` : ''}${Math.abs(line.quantity)} ${w.qty} ${money(line.unitPrice)}`;
    const discounted = line.discounts.length > 0;
    const total = discounted ? '' : money(shown(line.total));
    const together = `  ${about ? `${about}  ` : ''}${count}`;
    if (textWidth(together, charset) + textWidth(total, charset) + 1 <= columns) row(together, total);
    else {
      if (about) row(`  ${about}`, '');
      row(`  ${count}`, total);
    }
    for (const discount of line.discounts) row(`  ${discount.label}`, money(-discount.amount));
    if (discounted) row('', money(shown(line.total)));
  }
  rule();
  if (refund) {
    for (const discount of doc.discounts) row(discount.label, money(-discount.amount));
    sum(w.refundTotal, shown(doc.total));
  } else {
    // The deductions that make up the total are lines; what was saved in all is a note below.
    if (doc.discounts.length > 0) {
      row(w.subtotal, money(doc.subtotal));
      for (const discount of doc.discounts) row(discount.label, money(-discount.amount));
    }
    sum(w.total, doc.total);
  }
  for (const payment of doc.payments) {
    const label = payment.label ?? w.methods[payment.method];
    row(payment.reference ? `${label} (${payment.reference})` : label, money(shown(payment.amount)));
  }
  if (!refund && (doc.change !== 0 || doc.payments.some((p) => p.method === 'cash')))
    row(w.change, money(doc.change));
  // What the customer saved is a sale's note; a return slip's discounts are already its lines.
  const listTotal = doc.lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
  const saved = listTotal - doc.total;
  if (!refund && saved > 0) row(`${w.listTotal} ${money(listTotal)}`, `${w.saved} ${money(saved)}`);

  if (doc.member) {
    const m = doc.member;
    rule();
    row(`${w.member}: ${m.name ?? ''}`.trimEnd(), m.phoneMasked);
    if (m.tier) row(w.tier, m.tier);
    row(w.pointsEarned, `${m.pointsEarned >= 0 ? '+' : ''}${m.pointsEarned}`);
    row(w.pointsBalance, String(m.pointsBalance));
    if (m.storedValueBalance !== undefined) row(w.storedValue, money(m.storedValueBalance));
  }
  if (doc.returnsPolicy?.length) {
    rule();
    text(w.returnsPolicy, { bold: true });
    for (const line of doc.returnsPolicy) text(line);
  }
  rule();
  const footer = doc.footer ?? [];
  for (const line of footer) text(line, { align: 'center' });
  if (!footer.some((line) => line.includes(w.thanks))) text(w.thanks, { align: 'center' });
  if (doc.barcode) blocks.push({ type: 'barcode', data: doc.saleNumber });
  if (layout.qr && doc.qr) blocks.push({ type: 'qr', data: doc.qr === true ? doc.saleNumber : doc.qr });
  if (doc.invite) {
    rule();
    text(w.invite, { align: 'center', bold: true });
    text(`${w.inviteCode} ${doc.invite.code}`, { align: 'center' });
    if (layout.qr && doc.invite.url) blocks.push({ type: 'qr', data: doc.invite.url });
  }
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
      case 'image':
        out.push(pad(`[logo ${block.width}x${block.height}]`, columns, 'center', charset));
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

import { describe, expect, it } from 'vitest';
import type { ReceiptDocument } from '../../server/protocol/receipt.js';
import { sampleReceipt } from '../testing/fixtures.js';
import { layoutReceipt, renderText } from './layout.js';
import type { Charset } from './text-width.js';
import { textWidth } from './text-width.js';

const paper = (doc: ReceiptDocument, columns: number, charset: Charset = 'gb18030') =>
  renderText(layoutReceipt(doc, { columns, charset, qr: false, cut: false }), columns, charset);

/** The sale: 856.00 at list price, 199.00 off the lines, 满300减50 off the bill, 607.00 to pay. */
const promoted = (): ReceiptDocument =>
  sampleReceipt({
    lines: [
      {
        name: '羊毛混纺大衣',
        styleCode: 'WC-2026',
        color: '驼色',
        size: 'M',
        quantity: 1,
        unitPrice: 59900,
        discounts: [{ label: '会员8折', amount: 11980 }],
        total: 47920,
      },
      {
        name: '针织开衫',
        styleCode: 'KS-118',
        color: '米白',
        size: 'L',
        quantity: 1,
        unitPrice: 25700,
        discounts: [{ label: '第二件7折', amount: 7920 }],
        total: 17780,
      },
    ],
    subtotal: 65700,
    discounts: [{ label: '满300减50', amount: 5000 }],
    total: 60700,
    payments: [{ method: 'cash', amount: 61000 }],
    change: 300,
    footer: [],
  });

/** The signed amounts printed from 小计 down to 合计, as a reader adds them up. */
function deductionsAddUp(text: string): { from: number; steps: number[]; total: number } {
  const rows = text.split('\n');
  const start = rows.findIndex((row) => row.startsWith('小计'));
  const end = rows.findIndex((row) => row.startsWith('合计'));
  const amount = (row: string) => Math.round(Number(row.trim().split(/\s+/).pop()?.replace('￥', '')) * 100);
  return {
    from: amount(rows[start] ?? ''),
    steps: rows.slice(start + 1, end).map(amount),
    total: amount(rows[end] ?? ''),
  };
}

describe('receipt text', () => {
  for (const columns of [48, 32]) {
    it(`prints savings as a note, not a second deduction (${columns} columns)`, () => {
      const text = paper(promoted(), columns);
      for (const row of text.split('\n')) expect(textWidth(row, 'gb18030')).toBeLessThanOrEqual(columns);
      const { from, steps, total } = deductionsAddUp(text);
      expect(from).toBe(65700);
      expect(steps).toEqual([-5000]);
      expect(from + steps.reduce((a, b) => a + b, 0)).toBe(total);
      expect(total).toBe(60700);
      expect(text).toMatch(/原价合计 856\.00\s+共优惠 249\.00/);
      expect(text).not.toContain('-249.00');
      expect(text).toContain('款号 WC-2026');
      expect(text).toContain('款号 KS-118');
      expect(text.match(/谢谢惠顾/g)).toHaveLength(1);
    });
  }

  it('prints the shop: address, phone, 退换须知 and the owner’s footer', () => {
    const text = paper(
      sampleReceipt({
        returnsPolicy: ['吊牌完好7天内可退换', '内衣袜子不退换'],
        footer: ['营业时间 10:00-22:00'],
      }),
      32,
    );
    expect(text).toContain('上海市静安区南京西路1号');
    expect(text).toContain('021-5555 0101');
    expect(text).toContain('退换须知');
    expect(text).toContain('内衣袜子不退换');
    expect(text).toContain('营业时间 10:00-22:00');
    expect(text).toContain('谢谢惠顾');
  });

  for (const columns of [48, 32]) {
    it(`prints a return slip in what goes back: positive, with the original sale (${columns} columns)`, () => {
      const text = paper(
        sampleReceipt({
          kind: 'refund',
          saleNumber: 'R001-20261125-0003',
          originalSaleNumber: 'S001-20261124-0042',
          lines: [
            {
              name: '羊毛混纺大衣',
              styleCode: 'WC-2026',
              color: '驼色',
              size: 'M',
              quantity: -1,
              unitPrice: 89900,
              discounts: [{ label: '原单优惠', amount: 8990 }],
              total: -80910,
            },
          ],
          subtotal: -80910,
          discounts: [],
          total: -80910,
          payments: [{ method: 'cash', amount: -80910 }],
          change: 0,
          member: undefined,
          footer: [],
        }),
        columns,
      );
      for (const row of text.split('\n')) expect(textWidth(row, 'gb18030')).toBeLessThanOrEqual(columns);
      expect(text).toContain('退货单');
      expect(text).toContain('原单号: S001-20261124-0042');
      expect(text).toMatch(/退款金额\s+￥809\.10/);
      expect(text).toMatch(/现金\s+809\.10/);
      expect(text).toContain('1 x 899.00');
      expect(text).not.toContain('-1 x');
      expect(text).not.toContain('-809.10');
      expect(text).not.toContain('找零');
      expect(text).not.toContain('共优惠');
    });
  }

  it('marks the returned line of an exchange as 退 rather than a negative count', () => {
    const doc = promoted();
    const back = {
      ...doc.lines[0],
      quantity: -1,
      discounts: [],
      total: -59900,
    } as ReceiptDocument['lines'][number];
    const text = paper({ ...doc, lines: [back, ...doc.lines.slice(1)] }, 48);
    expect(text).toContain('退 1 x 599.00');
    expect(text).not.toContain('-1 x');
  });
});

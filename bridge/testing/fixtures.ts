import pino from 'pino';
import type { ReceiptDocument } from '../../server/protocol/receipt.js';

export const quietLog = pino({ level: process.env.BRIDGE_TEST_LOG ?? 'silent' });

/** A cash sale with Chinese and Latin text, a member and discounts. */
export function sampleReceipt(overrides: Partial<ReceiptDocument> = {}): ReceiptDocument {
  return {
    schema: 1,
    kind: 'sale',
    store: {
      code: 'S001',
      name: '衣架服装店 Hanger',
      address: '上海市静安区南京西路1号',
      phone: '021-5555 0101',
    },
    saleId: '0192f1c2-0000-7000-8000-000000000001',
    saleNumber: 'S001-20261124-0042',
    at: '2026-11-24T10:05:00.000Z',
    timeZone: 'Asia/Shanghai',
    currency: 'CNY',
    cashier: { name: '王小明' },
    terminalName: '1号收银台',
    lines: [
      {
        name: '羊毛混纺大衣 Wool Coat',
        styleCode: 'WC-2026',
        color: '驼色',
        size: 'M',
        quantity: 1,
        unitPrice: 89900,
        discounts: [{ label: '会员9折', amount: 8990 }],
        total: 80910,
      },
      {
        name: 'Basic Tee',
        color: 'White',
        size: 'L',
        quantity: 2,
        unitPrice: 9900,
        discounts: [],
        total: 19800,
      },
    ],
    subtotal: 100710,
    discounts: [{ label: '满1000减50', amount: 5000 }],
    total: 95710,
    payments: [{ method: 'cash', amount: 100000 }],
    change: 4290,
    member: {
      name: '李*',
      phoneMasked: '138****8000',
      tier: '金卡',
      pointsEarned: 957,
      pointsBalance: 12345,
    },
    footer: ['谢谢惠顾，欢迎再来！', 'Returns within 7 days with this receipt.'],
    barcode: true,
    qr: true,
    ...overrides,
  };
}

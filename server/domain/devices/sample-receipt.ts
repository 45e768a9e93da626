import type { AppContext } from '../../context.js';
import { newId } from '../../ids.js';
import type { ReceiptDocument } from '../../protocol/receipt.js';
import { buildReceipt } from '../sales/receipt.js';
import { receiptSettings } from '../sales/receipt-settings.js';

/**
 * What a test print prints: the shop's receipt as the owner set it (name, address, phone,
 * header, 退换须知, footer) around one sample line of ¥0.01 paid in cash, marked 测试打印 —
 * the owner sees on paper what the next receipt will look like. Nothing is sold or stored.
 */
export async function sampleReceipt(ctx: AppContext, cashierName: string): Promise<ReceiptDocument> {
  const at = ctx.now();
  return buildReceipt(ctx, {
    kind: 'sale',
    id: newId(),
    number: `TEST-${at.getTime().toString(36).toUpperCase()}`,
    at: at.toISOString(),
    cashierName,
    training: false,
    lines: [
      {
        name: '测试打印 Test print',
        styleCode: 'TEST',
        color: '',
        size: '',
        barcode: '',
        qty: 1,
        unitPrice: 1,
        discounts: [],
        total: 1,
      },
    ],
    total: 1,
    payments: [{ method: 'cash', amount: 1 }],
    change: 0,
    member: null,
    notes: ['测试打印：不是销售 / test print, not a sale'],
    shop: await receiptSettings(ctx.storage.db, ctx),
  });
}

import { z } from 'zod';
import { command } from '../../ws/command.js';
import { skuStock } from './movements.js';
import { id, scanBody } from './schemas.js';
import { openStocktakeId, recordCount } from './stocktake.js';

export const inventoryCommands = [
  command({
    type: 'stock/sku',
    permission: 'catalog.read',
    summary: "This store's on-hand of a SKU",
    params: z.strictObject({ skuId: id }),
    handle: ({ ctx, params }) => skuStock(ctx, params.skuId),
  }),
  command({
    type: 'stocktake/scan',
    permission: 'stocktake.count',
    summary: 'Count a scanned barcode into the open stocktake (or the one named)',
    params: scanBody.extend({ stocktakeId: id.optional() }),
    handle: async ({ ctx, params }) =>
      recordCount(ctx, params.stocktakeId ?? (await openStocktakeId(ctx)), {
        barcode: params.barcode,
        add: params.qty,
      }),
  }),
];

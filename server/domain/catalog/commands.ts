import { z } from 'zod';
import { command } from '../../ws/command.js';
import { skuByBarcode } from './lookup.js';
import { barcode, searchQuery } from './schemas.js';
import { searchStyles } from './search.js';

export const catalogCommands = [
  command({
    type: 'catalog/lookup_barcode',
    permission: 'catalog.read',
    summary: 'Look up a scanned barcode',
    params: z.strictObject({ barcode }),
    handle: ({ ctx, params }) => skuByBarcode(ctx, params.barcode),
  }),
  command({
    type: 'catalog/search',
    permission: 'catalog.read',
    summary: 'Search styles as you type',
    params: searchQuery,
    handle: ({ ctx, params }) => searchStyles(ctx, params),
  }),
];

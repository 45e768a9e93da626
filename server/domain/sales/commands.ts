import { z } from 'zod';
import { command } from '../../ws/command.js';
import { assertStaff } from '../staff/sessions.js';
import { completeSale } from './complete.js';
import { quoteSale } from './quote.js';
import { id, quoteBody, saleBody } from './schemas.js';
import { getSale } from './views.js';

/** WebSocket adapters over the same services as the HTTP routes. */
export const salesCommands = [
  command({
    type: 'sale/quote',
    permission: 'sale.create',
    summary: 'Price a sale as it would be completed now; nothing is stored',
    params: quoteBody,
    handle: ({ ctx, params }) => quoteSale(ctx, params),
  }),
  command({
    type: 'sale/complete',
    permission: 'sale.create',
    summary: 'Complete a sale, idempotent by its id (the answer says whether it was a repeat)',
    params: saleBody,
    handle: async ({ ctx, principal, approval, params }) => {
      assertStaff(principal);
      return completeSale(ctx, principal, approval ?? null, params);
    },
  }),
  command({
    type: 'sale/get',
    permission: 'sale.read',
    summary: 'One sale with its status and returns',
    params: z.strictObject({ saleId: id }),
    handle: ({ ctx, params }) => getSale(ctx, params.saleId),
  }),
];

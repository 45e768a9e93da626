import { z } from 'zod';
import type { MobilePaymentView } from '../../protocol/payments.js';
import { command } from '../../ws/command.js';
import { terminalOf } from '../../ws/topics.js';
import { paymentView } from './views.js';

/**
 * `payment.qr` tells a till's customer display what changes; a display that was reloaded or
 * lost its connection while the customer was to scan asks for the code again with this.
 */
export const paymentCommands = [
  command({
    type: 'payment/qr_pending',
    permission: 'cart.view',
    summary: "The QR payment waiting for this terminal's customer to scan, if any",
    params: z.strictObject({}),
    handle: async ({ ctx, principal }): Promise<{ payment: MobilePaymentView | null }> => {
      const terminalId = terminalOf(principal);
      if (!terminalId) return { payment: null };
      const row = await ctx.storage.db
        .selectFrom('payments')
        .selectAll()
        .where('store_id', '=', ctx.store.id)
        .where('device_id', '=', terminalId)
        .where('status', '=', 'pending')
        .where('mode', '=', 'qr')
        .where('qr_url', 'is not', null)
        .orderBy('created_at', 'desc')
        .executeTakeFirst();
      return { payment: row ? paymentView(row) : null };
    },
  }),
];

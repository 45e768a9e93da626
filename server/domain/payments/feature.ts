import type { Feature } from '../feature.js';
import { paymentCommands } from './commands.js';
import { reconciliationRoutes } from './reconciliation-routes.js';
import { paymentRoutes } from './routes.js';
import { paymentSetupRoutes } from './setup-routes.js';
import { PaymentFollowUp } from './worker.js';

/** Mobile payment (付款码): WeChat Pay and Alipay at the till; its worker settles what is left open. */
export const paymentsFeature: Feature = {
  name: 'payments',
  // The setup's and reconciliation's paths first: `/api/payments/setup` is not a payment's id.
  routes: [...paymentSetupRoutes, ...reconciliationRoutes, ...paymentRoutes],
  commands: paymentCommands,
  worker: (ctx) => new PaymentFollowUp(ctx),
};

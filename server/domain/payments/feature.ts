import type { Feature } from '../feature.js';
import { paymentRoutes } from './routes.js';
import { PaymentFollowUp } from './worker.js';

/** Mobile payment (付款码): WeChat Pay and Alipay at the till; its worker settles what is left open. */
export const paymentsFeature: Feature = {
  name: 'payments',
  routes: paymentRoutes,
  commands: [],
  worker: (ctx) => new PaymentFollowUp(ctx),
};

import { route } from '../../http/route.js';
import { reconcile, reconciliationQuery } from './reconciliation.js';

export const reconciliationRoutes = [
  route({
    method: 'get',
    path: '/api/payments/reconciliation',
    permission: 'payments.reconcile',
    summary: "对账: a day's mobile payments and refunds against each provider's statement",
    query: reconciliationQuery,
    handle: ({ ctx, query }) => reconcile(ctx, query),
  }),
];

import type { PaymentProvider } from '../../../server/protocol/payments.js';
import type { ReconciliationView } from '../../../server/protocol/reconciliation.js';
import { type ApiAuth, call } from './http.js';

export type {
  ProviderReconciliation,
  ReconciliationKind,
  ReconciliationLine,
  ReconciliationTotals,
  ReconciliationView,
} from '../../../server/protocol/reconciliation.js';

/**
 * 对账 of a day (Beijing time, as the providers' bills): every provider set up, or one. Without
 * a day the server picks yesterday by its own clock (the latest day whose bills are made).
 */
export function reconciliation(
  auth: ApiAuth,
  date?: string,
  provider?: PaymentProvider,
): Promise<ReconciliationView> {
  const query = new URLSearchParams({ ...(date && { date }), ...(provider && { provider }) });
  return call<ReconciliationView>(auth, 'GET', `/api/payments/reconciliation?${query}`);
}

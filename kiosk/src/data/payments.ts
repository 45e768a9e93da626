import type { MobilePaymentRequest, MobilePaymentView } from '../../../server/protocol/payments.js';
import { type ApiAuth, call } from './http.js';

export type {
  MobilePaymentView,
  PaymentFailure,
  PaymentProvider,
} from '../../../server/protocol/payments.js';

/** The customer's 付款码 scanned at the till: `id` is made once, before the first attempt. */
export function takePayment(auth: ApiAuth, body: MobilePaymentRequest): Promise<MobilePaymentView> {
  return call<MobilePaymentView>(auth, 'POST', '/api/payments', { body });
}

export function getPayment(auth: ApiAuth, id: string): Promise<MobilePaymentView> {
  return call<MobilePaymentView>(auth, 'GET', `/api/payments/${encodeURIComponent(id)}`);
}

/** Reverses a pending payment with its provider (a succeeded one no sale used is refunded). */
export function cancelPayment(auth: ApiAuth, id: string): Promise<MobilePaymentView> {
  return call<MobilePaymentView>(auth, 'POST', `/api/payments/${encodeURIComponent(id)}/cancel`);
}

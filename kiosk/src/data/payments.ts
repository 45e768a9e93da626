import type {
  MobilePaymentRequest,
  MobilePaymentView,
  QrPaymentRequest,
} from '../../../server/protocol/payments.js';
import { type ApiAuth, call } from './http.js';

export type {
  MobilePaymentView,
  PaymentFailure,
  PaymentProvider,
  QrPaymentEvent,
} from '../../../server/protocol/payments.js';

/**
 * The customer's 付款码 scanned at the till, or (`mode: "qr"`) the shop's code shown on the
 * customer display for the customer to scan: `id` is made once, before the first attempt.
 */
export function takePayment(
  auth: ApiAuth,
  body: MobilePaymentRequest | QrPaymentRequest,
): Promise<MobilePaymentView> {
  return call<MobilePaymentView>(auth, 'POST', '/api/payments', { body });
}

export function getPayment(auth: ApiAuth, id: string): Promise<MobilePaymentView> {
  return call<MobilePaymentView>(auth, 'GET', `/api/payments/${encodeURIComponent(id)}`);
}

/** Reverses a pending payment with its provider (a succeeded one no sale used is refunded). */
export function cancelPayment(auth: ApiAuth, id: string): Promise<MobilePaymentView> {
  return call<MobilePaymentView>(auth, 'POST', `/api/payments/${encodeURIComponent(id)}/cancel`);
}

import type {
  AlipaySetupInput,
  PaymentMode,
  PaymentProvider,
  PaymentSetupTest,
  PaymentSetupView,
  WechatSetupInput,
} from '../../../server/protocol/payments.js';
import { type ApiAuth, call } from './http.js';

export type {
  AlipaySetupInput,
  PaymentMode,
  PaymentSetupTest,
  PaymentSetupView,
  WechatSetupInput,
} from '../../../server/protocol/payments.js';

export function paymentSetup(auth: ApiAuth): Promise<PaymentSetupView> {
  return call(auth, 'GET', '/api/payments/setup');
}

export function changePaymentMode(auth: ApiAuth, mode: PaymentMode): Promise<PaymentSetupView> {
  return call(auth, 'PUT', '/api/payments/setup', { body: { mode } });
}

export function saveWechatKeys(auth: ApiAuth, keys: WechatSetupInput): Promise<PaymentSetupView> {
  return call(auth, 'PUT', '/api/payments/setup/wechat', { body: keys });
}

export function saveAlipayKeys(auth: ApiAuth, keys: AlipaySetupInput): Promise<PaymentSetupView> {
  return call(auth, 'PUT', '/api/payments/setup/alipay', { body: keys });
}

export function removePaymentKeys(auth: ApiAuth, provider: PaymentProvider): Promise<PaymentSetupView> {
  return call(auth, 'DELETE', `/api/payments/setup/${provider}`);
}

/** "Test connection": the saved keys tried with the provider; nothing is charged. */
export function testPaymentKeys(auth: ApiAuth, provider: PaymentProvider): Promise<PaymentSetupTest> {
  return call(auth, 'POST', `/api/payments/setup/${provider}/test`);
}

import type {
  AlipaySetupInput,
  MerchantKeys,
  PaymentMode,
  PaymentSetupTest,
  PaymentSetupView,
  UpayActivationInput,
  UpaySetupInput,
  WechatSetupInput,
  WechatV2SetupInput,
} from '../../../server/protocol/payments.js';
import { type ApiAuth, call } from './http.js';

export type {
  AlipaySetupInput,
  MerchantKeys,
  PaymentMode,
  PaymentSetupTest,
  PaymentSetupView,
  UpaySetupInput,
  WechatSetupInput,
  WechatV2SetupInput,
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

/** WeChat Pay API v2 keys, for a merchant without v3 keys. */
export function saveWechatV2Keys(auth: ApiAuth, keys: WechatV2SetupInput): Promise<PaymentSetupView> {
  return call(auth, 'PUT', '/api/payments/setup/wechatV2', { body: keys });
}

/** An activated 收钱吧 terminal: both wallets' codes then go through it. */
export function saveUpayKeys(auth: ApiAuth, keys: UpaySetupInput): Promise<PaymentSetupView> {
  return call(auth, 'PUT', '/api/payments/setup/upay', { body: keys });
}

/** This server activated as a 收钱吧 terminal with the owner's 激活码 (the server keeps the key). */
export function activateUpay(auth: ApiAuth, activation: UpayActivationInput): Promise<PaymentSetupView> {
  return call(auth, 'POST', '/api/payments/setup/upay/activate', { body: activation });
}

export function removePaymentKeys(auth: ApiAuth, provider: MerchantKeys): Promise<PaymentSetupView> {
  return call(auth, 'DELETE', `/api/payments/setup/${provider}`);
}

/** "Test connection": the saved keys tried with the provider; nothing is charged. */
export function testPaymentKeys(auth: ApiAuth, provider: MerchantKeys): Promise<PaymentSetupTest> {
  return call(auth, 'POST', `/api/payments/setup/${provider}/test`);
}

/** Mobile payments (付款码) as the till and an integration see them (API.md "Mobile payment"). Money in fen. */

/** The providers a customer's payment code can belong to. */
export const PAYMENT_PROVIDERS = ['wechat', 'alipay'] as const;
export type PaymentProvider = (typeof PAYMENT_PROVIDERS)[number];

/** An aggregator a shop may sign with instead of the wallets themselves: 收钱吧 (Upay). */
export type PaymentAggregator = 'upay';

/**
 * `pending`: the customer is still confirming (or the provider's answer is not known yet); the
 * server keeps querying by itself. The other three are final.
 */
export type PaymentStatus = 'succeeded' | 'pending' | 'failed' | 'cancelled';

/** `POST /api/payments`: `id` is the terminal's idempotency key. */
export interface MobilePaymentRequest {
  id: string;
  amount: number;
  /** The customer's 付款码 as the scanner read it. */
  authCode: string;
  memberId?: string;
  saleId?: string;
}

/**
 * `POST /api/payments` the other way round: the customer display shows the provider's QR code
 * for the exact amount (WeChat Native / Alipay precreate) and the customer scans it.
 */
export interface QrPaymentRequest {
  id: string;
  amount: number;
  mode: 'qr';
  provider: PaymentProvider;
  memberId?: string;
  saleId?: string;
}

/** Why a payment failed or was cancelled, in words the till translates. */
export type PaymentFailure =
  | 'insufficient_balance'
  | 'code_expired'
  | 'refused'
  | 'not_confirmed'
  | 'cancelled_by_cashier';

export interface MobilePaymentView {
  id: string;
  amount: number;
  status: PaymentStatus;
  provider: PaymentProvider;
  /** Set when the payment went through an aggregator (收钱吧) rather than the wallet's own API. */
  aggregator?: PaymentAggregator;
  /** The provider's transaction number, printed on the receipt. */
  transactionId?: string;
  failure?: PaymentFailure;
  /** A cancel found the money already taken and gave it back. */
  refundedOnCancel?: boolean;
  /** The sale this payment paid, once it did. */
  saleId?: string;
  at: string;
  /** `qr`: the customer scans the shop's code (absent for a 付款码 the cashier scanned). */
  mode?: 'qr';
  /** A QR payment's code URL (`weixin://wxpay/bizpayurl?…`, `https://qr.alipay.com/…`), the customer display shows it. */
  qrUrl?: string;
}

/** `payment.qr`: a QR payment of a till appeared or settled; its customer display shows or drops the code. */
export interface QrPaymentEvent {
  terminalId: string;
  payment: MobilePaymentView;
}

/** A refund asked of a payment's provider for a return or a void. */
export interface PaymentRefundView {
  /** The out_refund_no (the return's id). */
  id: string;
  paymentId: string;
  amount: number;
  status: 'processing' | 'succeeded' | 'failed';
  /** The provider's refund id. */
  refundId?: string;
}

/** `GET /api/payments/unfinished`: money taken whose sale was never completed, for the cashier to finish or refund. */
export interface UnfinishedPayments {
  items: MobilePaymentView[];
}

/**
 * How this server takes mobile payments: `off` (WeChat and Alipay are tender labels the cashier
 * ticks), `simulator` (the local provider simulator) or `live` (the merchant's own keys).
 */
export const PAYMENT_MODES = ['off', 'simulator', 'live'] as const;
export type PaymentMode = (typeof PAYMENT_MODES)[number];

/** A merchant's WeChat Pay API v3 keys as the admin page enters them (`PUT /api/payments/setup/wechat`). */
export interface WechatSetupInput {
  mchid: string;
  appid: string;
  /** The merchant API certificate's serial number. */
  serial: string;
  /** The merchant API private key, PEM (apiclient_key.pem). */
  privateKey: string;
  /** WeChat Pay's public key (PEM) or platform certificate, and its id or serial. */
  platformPublicKey: string;
  platformSerial: string;
  /** Where the API lives; WeChat Pay's own address when left out. */
  endpoint?: string;
}

/** A merchant's Alipay open-platform app keys (`PUT /api/payments/setup/alipay`). */
export interface AlipaySetupInput {
  appId: string;
  /** The app's private key: PEM, or the bare base64 Alipay's key tool prints. */
  privateKey: string;
  /** Alipay's public key for this app: PEM or bare base64. */
  alipayPublicKey: string;
  /** Where the gateway lives; Alipay's own when left out. */
  endpoint?: string;
}

/** A merchant's WeChat Pay API v2 keys, for a merchant without v3 keys (`PUT /api/payments/setup/wechatV2`). */
export interface WechatV2SetupInput {
  mchid: string;
  appid: string;
  /** The 32-character API key (API密钥) set in the merchant platform. */
  apiKey: string;
  /** How requests are signed with it; HMAC-SHA256 unless the merchant says MD5. */
  signType?: 'MD5' | 'HMAC-SHA256';
  /** The merchant API certificate (apiclient_cert.pem) and its key (apiclient_key.pem): refunds and reverses need them. */
  cert: string;
  privateKey: string;
  endpoint?: string;
}

/** An activated 收钱吧 terminal (`PUT /api/payments/setup/upay`): both wallets' codes go through it. */
export interface UpaySetupInput {
  terminalSn: string;
  terminalKey: string;
  endpoint?: string;
}

/** `POST /api/payments/setup/upay/activate`: a new 收钱吧 terminal from the owner's 激活码. */
export interface UpayActivationInput {
  vendorSn: string;
  vendorKey: string;
  appId: string;
  activationCode: string;
  endpoint?: string;
}

/** The sets of keys the admin page saves, removes and tests (`/api/payments/setup/:keys`). */
export const MERCHANT_KEYS = ['wechat', 'alipay', 'wechatV2', 'upay'] as const;
export type MerchantKeys = (typeof MERCHANT_KEYS)[number];

/** `GET /api/payments/setup`: what is set up, never a key. */
export interface PaymentSetupView {
  mode: PaymentMode;
  wechat: {
    mchid: string;
    appid: string;
    serial: string;
    platformSerial: string;
    endpoint: string;
    savedAt: string;
  } | null;
  alipay: { appId: string; endpoint: string; savedAt: string } | null;
  /** WeChat Pay v2 keys, when saved: WeChat payments use them unless v3 keys are saved too. */
  wechatV2?: {
    mchid: string;
    appid: string;
    signType: 'MD5' | 'HMAC-SHA256';
    endpoint: string;
    savedAt: string;
  };
  /** 收钱吧, when saved: WeChat and Alipay codes both go through it. */
  upay?: {
    terminalSn: string;
    endpoint: string;
    savedAt: string;
    /** Activated from this page with a 激活码 (else typed in as an activated terminal). */
    activated: boolean;
    /** The store's day of the last daily check-in (a new terminal key), null before the first. */
    checkedInOn: string | null;
  };
}

/**
 * `POST /api/payments/setup/:keys/test`: the saved keys tried against the provider with a
 * query that cannot find an order. `ok` when the provider accepted the request's signature and
 * its answer's signature verified; else why not, in words the admin page translates.
 */
export type PaymentSetupTest =
  | { ok: true; provider: MerchantKeys; ms: number }
  | {
      ok: false;
      provider: MerchantKeys;
      /** `signature_refused`: the provider refused our keys; `answer_unsigned`: its answer did not verify against the provider key entered; `no_answer`: it could not be reached; `unexpected`: anything else, in `detail`. */
      why: 'signature_refused' | 'answer_unsigned' | 'no_answer' | 'unexpected';
      detail?: string;
    };

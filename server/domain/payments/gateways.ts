import { join } from 'node:path';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { type MerchantKeys, PAYMENT_PROVIDERS, type PaymentProvider } from '../../protocol/payments.js';
import {
  type MerchantSetup,
  merchantSetup,
  PRODUCTION_ENDPOINTS,
  paymentMode,
  UPAY_ENDPOINT,
} from './merchant-setup.js';
import { type Gateways, openedGateways } from './open-gateways.js';
import type { Gateway } from './provider.js';

/** Where the simulator keeps its keys and books: in the data folder, so it survives restarts. */
export function simulatorDir(ctx: AppContext): string {
  return join(ctx.dataDir, 'payment-simulator');
}

/**
 * Loaded on first use: the providers' SDKs (and axios under WeChat's) weigh on every start,
 * and a shop without mobile payment never needs them.
 */
async function open(ctx: AppContext): Promise<Gateways> {
  if (paymentMode(ctx) === 'live') {
    const setup = merchantSetup(ctx);
    const byProvider: Partial<Record<PaymentProvider, Gateway>> = {};
    const { renewUpayKey } = await import('./upay-checkin.js');
    const renew = (refusedKey: string) => renewUpayKey(ctx, refusedKey);
    for (const provider of PAYMENT_PROVIDERS) {
      const gateway = await liveGateway(setup, provider, renew);
      if (gateway) byProvider[provider] = gateway;
    }
    return { byProvider, simulator: null };
  }
  const { PaymentSimulator, simulatedGateways } = await import('./simulated.js');
  const simulator = new PaymentSimulator(simulatorDir(ctx));
  await simulator.start();
  return { byProvider: simulatedGateways(simulator, merchantSetup(ctx).simulated), simulator };
}

/**
 * The gateway a payment of `provider` goes through with the merchant's saved keys: 收钱吧 for
 * both wallets when the shop signed with it, else the wallet's own (WeChat Pay v3 keys before
 * v2 ones); null when none are saved.
 */
export async function liveGateway(
  setup: MerchantSetup,
  provider: PaymentProvider,
  renewUpay?: UpayRenewal,
): Promise<Gateway | null> {
  if (setup.upay) return keysGateway(setup, 'upay', provider, renewUpay);
  if (provider === 'wechat') return (await keysGateway(setup, 'wechat')) ?? keysGateway(setup, 'wechatV2');
  return keysGateway(setup, 'alipay');
}

/** How a 收钱吧 gateway asks for a fresher terminal key after a signature refusal (a check-in). */
type UpayRenewal = (refusedKey: string) => Promise<{ terminalSn: string; terminalKey: string } | null>;

/** A gateway over one set of saved keys (收钱吧's for `wallet`); null when they are not saved. */
export async function keysGateway(
  setup: MerchantSetup,
  keys: MerchantKeys,
  wallet: PaymentProvider = 'wechat',
  renewUpay?: UpayRenewal,
): Promise<Gateway | null> {
  if (keys === 'upay' && setup.upay) {
    const { UpayGateway } = await import('./upay.js');
    return new UpayGateway(
      wallet,
      {
        terminalSn: setup.upay.terminalSn,
        terminalKey: setup.upay.terminalKey,
        baseURL: setup.upay.endpoint ?? UPAY_ENDPOINT,
      },
      renewUpay,
    );
  }
  if (keys === 'wechatV2' && setup.wechatV2) {
    const v2 = setup.wechatV2;
    const { WechatV2Gateway } = await import('./wechat-v2.js');
    return new WechatV2Gateway({
      mchid: v2.mchid,
      appid: v2.appid,
      apiKey: v2.apiKey,
      signType: v2.signType,
      cert: v2.cert,
      privateKey: v2.privateKey,
      baseURL: v2.endpoint ?? PRODUCTION_ENDPOINTS.wechat,
    });
  }
  if (keys === 'wechat' && setup.wechat) {
    const keys = setup.wechat;
    const { WechatGateway } = await import('./wechat.js');
    return new WechatGateway({
      mchid: keys.mchid,
      appid: keys.appid,
      serial: keys.serial,
      privateKey: keys.privateKey,
      platformKeys: { [keys.platformSerial]: keys.platformPublicKey },
      baseURL: keys.endpoint ?? PRODUCTION_ENDPOINTS.wechat,
    });
  }
  if (keys === 'alipay' && setup.alipay) {
    const keys = setup.alipay;
    const { AlipayGateway } = await import('./alipay.js');
    return new AlipayGateway({
      appId: keys.appId,
      privateKey: keys.privateKey,
      alipayPublicKey: keys.alipayPublicKey,
      gateway: keys.endpoint ?? PRODUCTION_ENDPOINTS.alipay,
    });
  }
  return null;
}

/** Whether this server takes mobile payments at all. */
export function paymentsOn(ctx: AppContext): boolean {
  return paymentMode(ctx) !== 'off';
}

/** The gateway of a payment's provider; a 422 naming the code when that provider is not set up. */
export async function gatewayOf(ctx: AppContext, provider: PaymentProvider): Promise<Gateway> {
  const gateway = (await gatewaysOf(ctx)).byProvider[provider];
  if (!gateway) {
    const name = provider === 'wechat' ? 'WeChat Pay' : 'Alipay';
    throw new ApiError('business_rule', `${name} is not set up on this server.`, {
      'body.authCode': `${name} is not set up (admin page, mobile payment)`,
    });
  }
  return gateway;
}

/** This server's gateways, made (and the simulator started) on first use. */
export function gatewaysOf(ctx: AppContext): Promise<Gateways> {
  if (!paymentsOn(ctx)) {
    throw new ApiError('business_rule', 'Mobile payment is not set up on this server.', {
      'body.authCode': 'mobile payment is off (admin page, mobile payment)',
    });
  }
  let gateways = openedGateways.get(ctx);
  if (!gateways) {
    gateways = open(ctx);
    openedGateways.set(ctx, gateways);
  }
  return gateways;
}

import type { PaymentProvider } from '../../protocol/payments.js';
import { AlipayGateway } from './alipay.js';
import type { Gateway } from './provider.js';
import type { PaymentSimulator } from './simulator/server.js';
import { WechatGateway } from './wechat.js';

export { PaymentSimulator } from './simulator/server.js';

/** Gateways talking to a simulator: the server holds the merchant's halves of its keys. */
export function simulatedGateways(simulator: PaymentSimulator): Record<PaymentProvider, Gateway> {
  const { wechat, alipay } = simulator.keys;
  return {
    wechat: new WechatGateway({
      mchid: wechat.mchid,
      appid: wechat.appid,
      serial: wechat.merchantSerial,
      privateKey: wechat.merchant.privateKey,
      platformKeys: { [wechat.platformSerial]: wechat.platform.publicKey },
      baseURL: `${simulator.url}/`,
    }),
    alipay: new AlipayGateway({
      appId: alipay.appId,
      privateKey: alipay.app.privateKey,
      alipayPublicKey: alipay.alipay.publicKey,
      gateway: `${simulator.url}/gateway.do`,
    }),
  };
}

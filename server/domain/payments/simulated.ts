import type { PaymentProvider } from '../../protocol/payments.js';
import { AlipayGateway } from './alipay.js';
import type { SimulatedContract } from './merchant-setup.js';
import type { Gateway } from './provider.js';
import type { PaymentSimulator } from './simulator/server.js';
import { UpayGateway } from './upay.js';
import { WechatGateway } from './wechat.js';
import { WechatV2Gateway } from './wechat-v2.js';

export { PaymentSimulator } from './simulator/server.js';

/**
 * Gateways talking to a simulator: the server holds the merchant's halves of its keys. The
 * contract says which wire formats: WeChat Pay v3 and Alipay (`direct`, the default), WeChat Pay
 * v2 and Alipay (`wechat_v2`), or both wallets through 收钱吧 (`upay`).
 */
export function simulatedGateways(
  simulator: PaymentSimulator,
  contract: SimulatedContract = 'direct',
): Record<PaymentProvider, Gateway> {
  const { wechat, alipay, wechatV2, upay } = simulator.keys;
  if (contract === 'upay') {
    const keys = { terminalSn: upay.terminalSn, terminalKey: upay.terminalKey, baseURL: `${simulator.url}/` };
    return { wechat: new UpayGateway('wechat', keys), alipay: new UpayGateway('alipay', keys) };
  }
  return {
    wechat:
      contract === 'wechat_v2'
        ? new WechatV2Gateway({
            mchid: wechat.mchid,
            appid: wechat.appid,
            apiKey: wechatV2.apiKey,
            signType: 'HMAC-SHA256',
            cert: wechatV2.cert,
            privateKey: wechat.merchant.privateKey,
            baseURL: `${simulator.url}/`,
          })
        : new WechatGateway({
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

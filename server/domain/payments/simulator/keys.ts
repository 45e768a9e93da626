import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One RSA key pair in PEM (PKCS#8 private, SPKI public), as both providers use them. */
export interface KeyPair {
  privateKey: string;
  publicKey: string;
}

/**
 * The key pairs of a simulated merchant contract: the merchant's (WeChat API certificate, Alipay
 * app key) sign requests, the providers' (WeChat platform key, Alipay public key) sign answers.
 * The server holds the merchant's private keys and the providers' public keys, the simulator the
 * other halves, so signatures are checked both ways as with the real providers.
 */
export interface SimulatorKeys {
  wechat: {
    mchid: string;
    appid: string;
    merchantSerial: string;
    merchant: KeyPair;
    platformSerial: string;
    platform: KeyPair;
  };
  alipay: { appId: string; app: KeyPair; alipay: KeyPair };
}

function pair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKey, publicKey };
}

/** The simulator's keys in `<dir>/keys.json`, made on its first start and kept (0600, like the data folder). */
export function simulatorKeys(dir: string): SimulatorKeys {
  const file = join(dir, 'keys.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as SimulatorKeys;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keys: SimulatorKeys = {
    wechat: {
      mchid: '1900000109',
      appid: 'wx0000000simulator',
      merchantSerial: randomBytes(20).toString('hex').toUpperCase(),
      merchant: pair(),
      platformSerial: `PUB_KEY_ID_${randomBytes(16).toString('hex')}`,
      platform: pair(),
    },
    alipay: { appId: '2021000000000001', app: pair(), alipay: pair() },
  };
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  return keys;
}

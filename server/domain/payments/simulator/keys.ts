import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  /**
   * WeChat Pay API v2: the 32-character API key both sides sign with, and the merchant's API
   * certificate (apiclient_cert.pem) over the same key pair as v3's, as WeChat issues one.
   */
  wechatV2: { apiKey: string; cert: string };
  /**
   * 收钱吧: an activated terminal, its number and key; and the vendor (服务商) credentials and
   * app id a terminal is activated with (`/terminal/activate` is signed with the vendor key).
   */
  upay: { terminalSn: string; terminalKey: string; vendorSn: string; vendorKey: string; appId: string };
}

function pair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKey, publicKey };
}

/**
 * A self-signed certificate over the merchant's key, as the merchant's API certificate. Node
 * cannot write X.509 itself and no certificate library is installed: the openssl command (in
 * every Linux the server runs on) makes it, once per simulator.
 */
function certificate(privateKey: string, mchid: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hanger-sim-cert-'));
  try {
    const keyFile = join(dir, 'key.pem');
    writeFileSync(keyFile, privateKey, { mode: 0o600 });
    return execFileSync(
      'openssl',
      ['req', '-new', '-x509', '-key', keyFile, '-days', '3650', '-subj', `/CN=${mchid}/O=Hanger simulator`],
      { encoding: 'utf8' },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What a keys.json written before WeChat Pay v2 and 收钱吧 were simulated lacks. */
function laterKeys(merchant: SimulatorKeys['wechat']): Pick<SimulatorKeys, 'wechatV2' | 'upay'> {
  return {
    wechatV2: {
      apiKey: randomBytes(16).toString('hex'),
      cert: certificate(merchant.merchant.privateKey, merchant.mchid),
    },
    upay: {
      terminalSn: `100${randomBytes(6).readUIntBE(0, 6)}`,
      terminalKey: randomBytes(16).toString('hex'),
      ...upayVendor(),
    },
  };
}

/** The simulated 收钱吧 vendor a terminal is activated under. */
function upayVendor(): Pick<SimulatorKeys['upay'], 'vendorSn' | 'vendorKey' | 'appId'> {
  return {
    vendorSn: `9180${randomBytes(2).readUInt16BE(0)}`,
    vendorKey: randomBytes(16).toString('hex'),
    appId: `2026${randomBytes(6).readUIntBE(0, 6)}`,
  };
}

/** The simulator's keys in `<dir>/keys.json`, made on its first start and kept (0600, like the data folder). */
export function simulatorKeys(dir: string): SimulatorKeys {
  const file = join(dir, 'keys.json');
  if (existsSync(file)) {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as SimulatorKeys;
    if (kept.wechatV2 && kept.upay?.vendorSn) return kept;
    // Before 收钱吧 activation was simulated, the terminal had no vendor: one is added, the terminal kept.
    const keys =
      kept.wechatV2 && kept.upay
        ? { ...kept, upay: { ...kept.upay, ...upayVendor() } }
        : { ...kept, ...laterKeys(kept.wechat) };
    writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
    return keys;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const wechat = {
    mchid: '1900000109',
    appid: 'wx0000000simulator',
    merchantSerial: randomBytes(20).toString('hex').toUpperCase(),
    merchant: pair(),
    platformSerial: `PUB_KEY_ID_${randomBytes(16).toString('hex')}`,
    platform: pair(),
  };
  const keys: SimulatorKeys = {
    wechat,
    alipay: { appId: '2021000000000001', app: pair(), alipay: pair() },
    ...laterKeys(wechat),
  };
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  return keys;
}

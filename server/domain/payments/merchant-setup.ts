import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import {
  type MerchantKeys,
  PAYMENT_MODES,
  type PaymentMode,
  type PaymentProvider,
  type PaymentSetupView,
} from '../../protocol/payments.js';

/** WeChat Pay's and Alipay's own addresses, used unless the owner enters another (a sandbox). */
export const PRODUCTION_ENDPOINTS: Record<PaymentProvider, string> = {
  wechat: 'https://api.mch.weixin.qq.com/',
  alipay: 'https://openapi.alipay.com/gateway.do',
};

/** 收钱吧's terminal API (vsi-api), used unless the owner enters another. */
export const UPAY_ENDPOINT = 'https://vsi-api.shouqianba.com/';

/**
 * Which contract the simulator plays (tests and demos): WeChat Pay v3 and Alipay (`direct`),
 * WeChat Pay v2 and Alipay (`wechat_v2`), or both wallets through 收钱吧 (`upay`).
 */
export const SIMULATED_CONTRACTS = ['direct', 'wechat_v2', 'upay'] as const;
export type SimulatedContract = (typeof SIMULATED_CONTRACTS)[number];

const FILE = 'payment-setup.json';

/** A PEM key as the owner pastes it: bare base64 (Alipay's key tool prints that) gets its armour. */
function armoured(text: string, label: 'PRIVATE KEY' | 'PUBLIC KEY'): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) return `${trimmed}\n`;
  const body = trimmed.replace(/\s+/g, '');
  return `-----BEGIN ${label}-----\n${body.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END ${label}-----\n`;
}

/** The key in PKCS#8 PEM (what both SDKs read), or null when it is not an RSA private key. */
function privateKeyPem(text: string): string | null {
  try {
    const key = createPrivateKey(armoured(text, 'PRIVATE KEY'));
    return key.asymmetricKeyType === 'rsa' ? String(key.export({ type: 'pkcs8', format: 'pem' })) : null;
  } catch {
    return null;
  }
}

/** An RSA public key from a PEM key, bare base64 or an X.509 certificate, as SPKI PEM. */
function publicKeyPem(text: string): string | null {
  try {
    const trimmed = text.trim();
    const key: KeyObject = trimmed.includes('BEGIN CERTIFICATE')
      ? new X509Certificate(trimmed).publicKey
      : createPublicKey(armoured(trimmed, 'PUBLIC KEY'));
    return key.asymmetricKeyType === 'rsa' ? String(key.export({ type: 'spki', format: 'pem' })) : null;
  } catch {
    return null;
  }
}

const endpoint = z
  .string()
  .trim()
  .max(200)
  .url('an http(s) address')
  .refine((url) => /^https?:\/\//.test(url), 'an http(s) address')
  .optional();

const privateKey = z
  .string()
  .max(10_000)
  .transform((text, ctx) => {
    const pem = privateKeyPem(text);
    if (!pem) ctx.addIssue({ code: 'custom', message: 'not an RSA private key (PEM or base64)' });
    return pem ?? '';
  });

const publicKey = z
  .string()
  .max(10_000)
  .transform((text, ctx) => {
    const pem = publicKeyPem(text);
    if (!pem)
      ctx.addIssue({ code: 'custom', message: 'not an RSA public key or certificate (PEM or base64)' });
    return pem ?? '';
  });

/** `PUT /api/payments/setup/wechat`: WeChat Pay API v3 keys. */
export const wechatSetupBody = z.strictObject({
  mchid: z
    .string()
    .trim()
    .regex(/^\d{6,16}$/, 'the merchant number: 6–16 digits'),
  appid: z
    .string()
    .trim()
    .regex(/^wx[0-9a-z]{16}$/i, 'wx and 16 letters or digits'),
  serial: z
    .string()
    .trim()
    .regex(/^[0-9A-Fa-f]{8,64}$/, 'the certificate serial: hexadecimal'),
  privateKey,
  platformPublicKey: publicKey,
  platformSerial: z
    .string()
    .trim()
    .regex(
      /^(PUB_KEY_ID_)?[0-9A-Za-z_]{8,64}$/,
      'the public key id (PUB_KEY_ID_…) or platform certificate serial',
    ),
  endpoint,
});

const wechatV2Keys = z.strictObject({
  mchid: z
    .string()
    .trim()
    .regex(/^\d{6,16}$/, 'the merchant number: 6–16 digits'),
  appid: z
    .string()
    .trim()
    .regex(/^wx[0-9a-z]{16}$/i, 'wx and 16 letters or digits'),
  apiKey: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z]{32}$/, 'the API key: 32 letters or digits'),
  signType: z.enum(['MD5', 'HMAC-SHA256']).default('HMAC-SHA256'),
  cert: z
    .string()
    .max(10_000)
    .transform((text, ctx) => {
      try {
        return new X509Certificate(text.trim()).toString();
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not a certificate (apiclient_cert.pem)' });
        return '';
      }
    }),
  privateKey,
  endpoint,
});

/** `PUT /api/payments/setup/wechatV2`: WeChat Pay API v2 keys, the certificate over the key given. */
export const wechatV2SetupBody = wechatV2Keys.superRefine((keys, ctx) => {
  if (!keys.cert || !keys.privateKey) return;
  if (!new X509Certificate(keys.cert).checkPrivateKey(createPrivateKey(keys.privateKey))) {
    ctx.addIssue({
      code: 'custom',
      path: ['cert'],
      message: 'this certificate is not for the private key given',
    });
  }
});

/** `PUT /api/payments/setup/upay`: an activated 收钱吧 terminal. */
export const upaySetupBody = z.strictObject({
  terminalSn: z
    .string()
    .trim()
    .regex(/^\d{1,32}$/, 'the terminal number: digits'),
  terminalKey: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z]{16,64}$/, 'the terminal key: letters and digits'),
  endpoint,
});

/**
 * `POST /api/payments/setup/upay/activate`: the vendor (服务商) number and key, its app id and
 * the one-time 激活码 the owner makes in the 收钱吧 back office. Only the terminal the activation
 * gives is kept: the vendor key is used once and never stored.
 */
export const upayActivationBody = z.strictObject({
  vendorSn: z
    .string()
    .trim()
    .regex(/^\d{1,32}$/, 'the vendor number: digits'),
  vendorKey: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z]{16,64}$/, 'the vendor key: letters and digits'),
  appId: z
    .string()
    .trim()
    .regex(/^\d{1,32}$/, 'the app id: digits'),
  activationCode: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z]{4,32}$/, 'the activation code: letters and digits'),
  endpoint,
});

/** `PUT /api/payments/setup/alipay`: Alipay open-platform app keys. */
export const alipaySetupBody = z.strictObject({
  appId: z
    .string()
    .trim()
    .regex(/^\d{10,20}$/, 'the app id: digits'),
  privateKey,
  alipayPublicKey: publicKey,
  endpoint,
});

const saved = { savedAt: z.string(), savedBy: z.string().nullable() };
const setupFile = z.object({
  mode: z.enum(PAYMENT_MODES).optional(),
  wechat: wechatSetupBody
    .extend({ privateKey: z.string(), platformPublicKey: z.string(), ...saved })
    .optional(),
  alipay: alipaySetupBody
    .extend({ privateKey: z.string(), alipayPublicKey: z.string(), ...saved })
    .optional(),
  wechatV2: wechatV2Keys.extend({ cert: z.string(), privateKey: z.string(), ...saved }).optional(),
  upay: upaySetupBody
    .extend({
      ...saved,
      /** The device id 收钱吧 knows this server by: given at activation, repeated at check-in. */
      deviceId: z.string().optional(),
      /** The store's day of the last check-in (YYYY-MM-DD): one a day keeps the key fresh. */
      checkedInOn: z.string().optional(),
      /** Activated here (with a 激活码) rather than typed in. */
      activated: z.boolean().optional(),
    })
    .optional(),
  /** The contract the simulator plays; `direct` when absent. */
  simulated: z.enum(SIMULATED_CONTRACTS).optional(),
});
/** What the server keeps in `<data>/payment-setup.json` (0600): the merchant's keys and the mode chosen. */
export type MerchantSetup = z.infer<typeof setupFile>;

const loaded = new WeakMap<AppContext, MerchantSetup>();

/** The setup as saved, read once per server; a file that cannot be read counts as none. */
export function merchantSetup(ctx: AppContext): MerchantSetup {
  let setup = loaded.get(ctx);
  if (!setup) {
    setup = {};
    try {
      const parsed = setupFile.safeParse(JSON.parse(readFileSync(join(ctx.dataDir, FILE), 'utf8')));
      if (parsed.success) setup = parsed.data;
      else
        ctx.log.error({ issues: parsed.error.issues }, `${FILE} is not valid: mobile payment keys ignored`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        ctx.log.error({ err: error }, `${FILE} cannot be read: mobile payment keys ignored`);
      }
    }
    loaded.set(ctx, setup);
  }
  return setup;
}

/** Writes the setup for the server's user alone, whole or not at all (a temporary file renamed). */
export function saveMerchantSetup(ctx: AppContext, setup: MerchantSetup): void {
  const file = join(ctx.dataDir, FILE);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(setup, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
  loaded.set(ctx, setup);
}

/** The mode in force: the admin page's choice, else config.json's `payments.provider`. */
export function paymentMode(ctx: AppContext): PaymentMode {
  return merchantSetup(ctx).mode ?? ctx.config.payments.provider;
}

/** Whether any merchant keys are saved: live mode needs some. */
export function anyKeys(setup: MerchantSetup): boolean {
  return Boolean(setup.wechat || setup.alipay || setup.wechatV2 || setup.upay);
}

/** The merchant a set of keys belongs to: keys of another merchant orphan its open payments. */
export function merchantOf(setup: MerchantSetup, keys: MerchantKeys): string | undefined {
  switch (keys) {
    case 'wechat':
      return setup.wechat?.mchid;
    case 'alipay':
      return setup.alipay?.appId;
    case 'wechatV2':
      return setup.wechatV2?.mchid;
    case 'upay':
      return setup.upay?.terminalSn;
  }
}

/** What the admin page shows: which keys are saved, never a key. */
export function setupView(ctx: AppContext): PaymentSetupView {
  const { wechat, alipay, wechatV2, upay } = merchantSetup(ctx);
  return {
    mode: paymentMode(ctx),
    wechat: wechat
      ? {
          mchid: wechat.mchid,
          appid: wechat.appid,
          serial: wechat.serial,
          platformSerial: wechat.platformSerial,
          endpoint: wechat.endpoint ?? PRODUCTION_ENDPOINTS.wechat,
          savedAt: wechat.savedAt,
        }
      : null,
    alipay: alipay
      ? {
          appId: alipay.appId,
          endpoint: alipay.endpoint ?? PRODUCTION_ENDPOINTS.alipay,
          savedAt: alipay.savedAt,
        }
      : null,
    ...(wechatV2 && {
      wechatV2: {
        mchid: wechatV2.mchid,
        appid: wechatV2.appid,
        signType: wechatV2.signType,
        endpoint: wechatV2.endpoint ?? PRODUCTION_ENDPOINTS.wechat,
        savedAt: wechatV2.savedAt,
      },
    }),
    ...(upay && {
      upay: {
        terminalSn: upay.terminalSn,
        endpoint: upay.endpoint ?? UPAY_ENDPOINT,
        savedAt: upay.savedAt,
        activated: upay.activated === true,
        checkedInOn: upay.checkedInOn ?? null,
      },
    }),
  };
}

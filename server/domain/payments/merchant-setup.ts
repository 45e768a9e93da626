import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import {
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

/** What the admin page shows: which keys are saved, never a key. */
export function setupView(ctx: AppContext): PaymentSetupView {
  const { wechat, alipay } = merchantSetup(ctx);
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
  };
}

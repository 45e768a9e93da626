import type { z } from 'zod';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import type {
  MerchantKeys,
  PaymentMode,
  PaymentProvider,
  PaymentSetupTest,
  PaymentSetupView,
} from '../../protocol/payments.js';
import { recordAudit } from '../audit/service.js';
import { keysGateway } from './gateways.js';
import {
  type alipaySetupBody,
  anyKeys,
  type MerchantSetup,
  merchantOf,
  merchantSetup,
  paymentMode,
  saveMerchantSetup,
  setupView,
  UPAY_ENDPOINT,
  type upayActivationBody,
  type upaySetupBody,
  type wechatSetupBody,
  type wechatV2SetupBody,
} from './merchant-setup.js';
import { closeGateways } from './open-gateways.js';
import { newDeviceId, storeDay } from './upay-checkin.js';
import { activateTerminal } from './upay-terminal.js';

/** Payments and refunds of `provider` (or of any) the follow-up still has to settle. */
async function unfinished(ctx: AppContext, provider?: PaymentProvider): Promise<number> {
  const db = ctx.storage.db;
  let payments = db
    .selectFrom('payments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('store_id', '=', ctx.store.id)
    .where('unsettled', '=', 1);
  let refunds = db
    .selectFrom('payment_refunds')
    .innerJoin('payments', 'payments.id', 'payment_refunds.payment_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('payment_refunds.store_id', '=', ctx.store.id)
    .where('payment_refunds.status', 'in', ['requested', 'processing']);
  if (provider) {
    payments = payments.where('provider', '=', provider);
    refunds = refunds.where('payments.provider', '=', provider);
  }
  const [p, r] = await Promise.all([payments.executeTakeFirst(), refunds.executeTakeFirst()]);
  return Number(p?.n ?? 0) + Number(r?.n ?? 0);
}

/** A 409 while payments would lose the provider that can settle them. */
async function assertSettled(ctx: AppContext, provider?: PaymentProvider): Promise<void> {
  const open = await unfinished(ctx, provider);
  if (open > 0) {
    throw new ApiError(
      'conflict',
      `${open} mobile payment(s) or refund(s) are still being settled with the provider: change this once they are.`,
    );
  }
}

async function audit(
  ctx: AppContext,
  staffId: string | null,
  detail: Record<string, unknown>,
): Promise<void> {
  await ctx.storage.write((trx) =>
    recordAudit(trx, ctx, {
      kind: 'payments.setup_changed',
      staffId,
      subjectType: 'store',
      subjectId: ctx.store.id,
      detail,
    }),
  );
}

/** Saves the setup and drops the gateways in use: the next payment opens them as now set. */
async function apply(ctx: AppContext, setup: MerchantSetup): Promise<void> {
  saveMerchantSetup(ctx, setup);
  await closeGateways(ctx);
}

/** `PUT /api/payments/setup {mode}`: off, the simulator, or live with the saved keys. */
export async function changeMode(
  ctx: AppContext,
  staffId: string | null,
  mode: PaymentMode,
): Promise<PaymentSetupView> {
  const setup = merchantSetup(ctx);
  const from = paymentMode(ctx);
  if (mode === from) return setupView(ctx);
  if (mode === 'live' && !anyKeys(setup)) {
    throw new ApiError('business_rule', 'Save WeChat Pay, Alipay or 收钱吧 keys before going live.', {
      'body.mode': 'no WeChat Pay, Alipay or 收钱吧 keys saved',
    });
  }
  // What the simulator took is settled by the simulator, what the provider took by the provider.
  await assertSettled(ctx);
  await apply(ctx, { ...setup, mode });
  await audit(ctx, staffId, { mode: { from, to: mode } });
  return setupView(ctx);
}

type KeysInput =
  | { provider: 'wechat'; keys: z.output<typeof wechatSetupBody> }
  | { provider: 'alipay'; keys: z.output<typeof alipaySetupBody> }
  | { provider: 'wechatV2'; keys: z.output<typeof wechatV2SetupBody> }
  | {
      provider: 'upay';
      keys: z.output<typeof upaySetupBody> & { deviceId?: string; checkedInOn?: string; activated?: boolean };
    };

/** The wallet whose payments a set of keys settles; 收钱吧 settles both. */
function walletOf(keys: MerchantKeys): PaymentProvider | undefined {
  if (keys === 'upay') return undefined;
  return keys === 'alipay' ? 'alipay' : 'wechat';
}

/** `PUT /api/payments/setup/wechat|alipay|wechatV2|upay`: the merchant's keys, kept for the server alone. */
export async function saveKeys(
  ctx: AppContext,
  staffId: string | null,
  input: KeysInput,
): Promise<PaymentSetupView> {
  const setup = merchantSetup(ctx);
  const before = merchantOf(setup, input.provider);
  const saved = { savedAt: ctx.now().toISOString(), savedBy: staffId };
  const after: MerchantSetup = { ...setup, [input.provider]: { ...input.keys, ...saved } };
  const merchant = merchantOf(after, input.provider);
  // Another merchant, or 收钱吧 taking over both wallets: open payments would lose their provider.
  const rerouted = input.provider === 'upay' && before === undefined;
  if ((rerouted || (before !== undefined && before !== merchant)) && paymentMode(ctx) === 'live') {
    await assertSettled(ctx, walletOf(input.provider));
  }
  await apply(ctx, after);
  // Which merchant, never a key.
  await audit(ctx, staffId, { provider: input.provider, merchant, action: 'keys_saved' });
  return setupView(ctx);
}

/**
 * `POST /api/payments/setup/upay/activate`: 收钱吧 makes a terminal of this server from the
 * owner's 激活码 (signed with the vendor key, which is not kept); its number and key are saved
 * as typed-in ones are, and count as checked in today. A 激活码 works once, so whatever would
 * refuse the save is checked before 收钱吧 is asked.
 */
export async function activateUpay(
  ctx: AppContext,
  staffId: string | null,
  input: z.output<typeof upayActivationBody>,
): Promise<PaymentSetupView> {
  // A new terminal takes over both wallets: open payments would lose their provider.
  if (paymentMode(ctx) === 'live') await assertSettled(ctx);
  const deviceId = newDeviceId();
  const answer = await activateTerminal({
    vendorSn: input.vendorSn,
    vendorKey: input.vendorKey,
    appId: input.appId,
    code: input.activationCode,
    deviceId,
    baseURL: input.endpoint ?? UPAY_ENDPOINT,
  });
  if (answer.state === 'no_answer') {
    throw new ApiError('business_rule', `收钱吧 did not answer: ${answer.why}`, {
      'body.endpoint': `收钱吧 could not be reached (${answer.why})`,
    });
  }
  if (answer.state === 'refused') {
    // ILLEGAL_SIGN: the vendor number or key; anything else names the code or the app id.
    const field = answer.code === 'ILLEGAL_SIGN' ? 'body.vendorKey' : 'body.activationCode';
    throw new ApiError('business_rule', `收钱吧 refused the activation: ${answer.code} ${answer.message}`, {
      [field]: `refused by 收钱吧: ${answer.code}${answer.message ? ` (${answer.message})` : ''}`,
    });
  }
  return saveKeys(ctx, staffId, {
    provider: 'upay',
    keys: {
      ...answer.terminal,
      ...(input.endpoint && { endpoint: input.endpoint }),
      deviceId,
      checkedInOn: storeDay(ctx),
      activated: true,
    },
  });
}

/** `DELETE /api/payments/setup/:keys`. */
export async function removeKeys(
  ctx: AppContext,
  staffId: string | null,
  provider: MerchantKeys,
): Promise<PaymentSetupView> {
  const setup = merchantSetup(ctx);
  const merchant = merchantOf(setup, provider);
  if (merchant === undefined) return setupView(ctx);
  if (paymentMode(ctx) === 'live') await assertSettled(ctx, walletOf(provider));
  const { [provider]: _removed, ...rest } = setup;
  const left: MerchantSetup = rest;
  // Live with no keys left takes no payment: off says so plainly.
  if (left.mode === 'live' && !anyKeys(left)) left.mode = 'off';
  await apply(ctx, left);
  await audit(ctx, staffId, { provider, merchant, action: 'keys_removed' });
  return setupView(ctx);
}

/** `POST /api/payments/setup/:keys/test`: the saved keys tried, whatever the mode. */
export async function testKeys(ctx: AppContext, provider: MerchantKeys): Promise<PaymentSetupTest> {
  const gateway = await keysGateway(merchantSetup(ctx), provider);
  if (!gateway) {
    throw new ApiError('business_rule', 'No keys are saved for this provider.', {
      'params.provider': 'no keys saved',
    });
  }
  const started = performance.now();
  const checked = await gateway.check();
  if (!checked.ok) return { provider, ...checked };
  return { ok: true, provider, ms: Math.round(performance.now() - started) };
}

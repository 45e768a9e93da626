import type { z } from 'zod';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import type {
  PaymentMode,
  PaymentProvider,
  PaymentSetupTest,
  PaymentSetupView,
} from '../../protocol/payments.js';
import { recordAudit } from '../audit/service.js';
import { closeGateways, liveGateway } from './gateways.js';
import {
  type alipaySetupBody,
  type MerchantSetup,
  merchantSetup,
  paymentMode,
  saveMerchantSetup,
  setupView,
  type wechatSetupBody,
} from './merchant-setup.js';

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
  if (mode === 'live' && !setup.wechat && !setup.alipay) {
    throw new ApiError('business_rule', 'Save WeChat Pay or Alipay keys before going live.', {
      'body.mode': 'no WeChat Pay or Alipay keys saved',
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
  | { provider: 'alipay'; keys: z.output<typeof alipaySetupBody> };

/** The merchant a provider's keys belong to: keys of another merchant orphan its open payments. */
function merchantOf(setup: MerchantSetup, provider: PaymentProvider): string | undefined {
  return provider === 'wechat' ? setup.wechat?.mchid : setup.alipay?.appId;
}

/** `PUT /api/payments/setup/wechat|alipay`: the merchant's keys, kept for the server alone. */
export async function saveKeys(
  ctx: AppContext,
  staffId: string | null,
  input: KeysInput,
): Promise<PaymentSetupView> {
  const setup = merchantSetup(ctx);
  const before = merchantOf(setup, input.provider);
  const merchant = input.provider === 'wechat' ? input.keys.mchid : input.keys.appId;
  if (before !== undefined && before !== merchant && paymentMode(ctx) === 'live') {
    await assertSettled(ctx, input.provider);
  }
  const saved = { savedAt: ctx.now().toISOString(), savedBy: staffId };
  await apply(
    ctx,
    input.provider === 'wechat'
      ? { ...setup, wechat: { ...input.keys, ...saved } }
      : { ...setup, alipay: { ...input.keys, ...saved } },
  );
  // Which merchant, never a key.
  await audit(ctx, staffId, { provider: input.provider, merchant, action: 'keys_saved' });
  return setupView(ctx);
}

/** `DELETE /api/payments/setup/:provider`. */
export async function removeKeys(
  ctx: AppContext,
  staffId: string | null,
  provider: PaymentProvider,
): Promise<PaymentSetupView> {
  const setup = merchantSetup(ctx);
  const merchant = merchantOf(setup, provider);
  if (merchant === undefined) return setupView(ctx);
  if (paymentMode(ctx) === 'live') await assertSettled(ctx, provider);
  const { [provider]: _removed, ...rest } = setup;
  const left: MerchantSetup = rest;
  // Live with no keys left takes no payment: off says so plainly.
  if (left.mode === 'live' && !left.wechat && !left.alipay) left.mode = 'off';
  await apply(ctx, left);
  await audit(ctx, staffId, { provider, merchant, action: 'keys_removed' });
  return setupView(ctx);
}

/** `POST /api/payments/setup/:provider/test`: the saved keys tried, whatever the mode. */
export async function testKeys(ctx: AppContext, provider: PaymentProvider): Promise<PaymentSetupTest> {
  const gateway = await liveGateway(merchantSetup(ctx), provider);
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

import type { AppContext } from '../../context.js';
import type { Worker } from '../feature.js';
import { paymentsOn } from './gateways.js';
import { closeGateways } from './open-gateways.js';
import { refundOnCancel, sendRefund } from './refunds.js';
import { askedSince, followUp } from './settle.js';
import { checkInIfDue } from './upay-checkin.js';
import type { PaymentRow } from './views.js';

/** How many provider conversations the follow-up holds at once: enough for a queue, never a flood. */
const AT_ONCE = 8;

/** Runs `work` over `ids`, `AT_ONCE` at a time; a failure is logged and the rest go on. */
async function eachOf(ctx: AppContext, ids: readonly string[], work: (id: string) => Promise<unknown>) {
  let next = 0;
  const lane = async () => {
    while (next < ids.length) {
      const id = ids[next++] as string;
      await work(id).catch((error: unknown) => ctx.log.error({ err: error, id }, 'payment follow-up failed'));
    }
  };
  await Promise.all(Array.from({ length: Math.min(AT_ONCE, ids.length) }, lane));
}

/**
 * A QR order the cashier cancelled that the customer paid all the same (a close cannot stop a
 * payment already made): refunded in full, as a cancel of a paid payment is.
 */
function giveBackCancelledQr(ctx: AppContext, row: PaymentRow): Promise<PaymentRow> | PaymentRow {
  const paidAfterCancel =
    row.mode === 'qr' && row.status === 'succeeded' && row.cancel_asked === 1 && row.sale_id === null;
  return paidAfterCancel ? refundOnCancel(ctx, row) : row;
}

/**
 * One round of follow-up: every payment still unsettled whose last word is older than the
 * query interval (all of them with `all`, as at start-up), and every refund not yet confirmed.
 */
export async function followUpPayments(ctx: AppContext, all = false): Promise<void> {
  const due = new Date(ctx.now().getTime() - ctx.config.payments.queryEverySeconds * 1000).toISOString();
  let payments = ctx.storage.db
    .selectFrom('payments')
    .select(['id', 'cancel_asked', 'deadline_at'])
    .where('store_id', '=', ctx.store.id)
    .where('unsettled', '=', 1);
  if (!all) {
    payments = payments.where((eb) =>
      eb.or([
        eb('updated_at', '<=', due),
        eb('cancel_asked', '=', 1),
        eb('deadline_at', '<=', ctx.now().toISOString()),
      ]),
    );
  }
  const refunds = await ctx.storage.db
    .selectFrom('payment_refunds')
    .select('id')
    .where('store_id', '=', ctx.store.id)
    .where('status', 'in', ['requested', 'processing'])
    .where((eb) => (all ? eb.lit(true) : eb('updated_at', '<=', due)))
    .execute();
  await eachOf(
    ctx,
    (await payments.execute())
      .filter(
        (p) =>
          all ||
          p.cancel_asked === 1 ||
          p.deadline_at <= ctx.now().toISOString() ||
          !askedSince(p.id, Date.parse(due)),
      )
      .map((p) => p.id),
    (id) => followUp(ctx, id).then((row) => row && giveBackCancelledQr(ctx, row)),
  );
  await eachOf(
    ctx,
    refunds.map((r) => r.id),
    (id) => sendRefund(ctx, id),
  );
}

/**
 * The payments' follow-up: at start every payment a crash or a lost answer left unsettled is
 * asked after, then every second what is due; the customer is never charged without the store
 * knowing it. Stopping waits for the round in progress and closes the simulator.
 */
export class PaymentFollowUp implements Worker {
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<void> | null = null;

  constructor(
    private readonly ctx: AppContext,
    private readonly everyMs = 1000,
  ) {}

  /** Whether a round has asked after everything, as the first round with payments on does. */
  private sweptAll = false;

  /** The 收钱吧 terminal's check-in in progress: on its own, so a slow one never holds up the follow-up. */
  private checking: Promise<void> | null = null;

  private checkInRound(): void {
    if (this.checking) return;
    // A saved 收钱吧 terminal checks in daily whatever the mode, so its key is fresh when it goes live.
    this.checking = checkInIfDue(this.ctx)
      .catch((error: unknown) => this.ctx.log.error({ err: error }, '收钱吧 check-in failed'))
      .finally(() => {
        this.checking = null;
      });
  }

  private round(): void {
    this.checkInRound();
    // Mobile payment can be switched on and off on the admin page while the server runs.
    if (this.current || !paymentsOn(this.ctx)) return;
    const all = !this.sweptAll;
    this.sweptAll = true;
    this.current = followUpPayments(this.ctx, all)
      .catch((error: unknown) => this.ctx.log.error({ err: error }, 'payment follow-up failed'))
      .finally(() => {
        this.current = null;
      });
  }

  start(): void {
    if (this.timer) return;
    this.round();
    this.timer = setInterval(() => this.round(), this.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all([this.current, this.checking]);
    await closeGateways(this.ctx);
  }
}

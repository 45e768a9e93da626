import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { runAction } from '../../events/action.js';
import type { Outbox } from '../../events/outbox.js';
import type { Database } from '../../storage/schema.js';
import { recordAudit } from '../audit/service.js';
import { inStoreZone } from './calendar.js';
import { issueCoupon, issueTriggeredCoupons } from './coupon-issue.js';
import { noteMemberChanged } from './member-events.js';
import { PointsBook } from './points-book.js';
import { loadSettings } from './settings.js';
import { changeTier, entryTier, loadTiers, qualifyingTier, tierStats } from './tiers.js';

export const LOYALTY_JOBS = ['expire-points', 'tier-review', 'birthday-coupons'] as const;
export type LoyaltyJob = (typeof LOYALTY_JOBS)[number];

const BATCH = 200;

async function finishJob(
  ctx: AppContext,
  name: LoyaltyJob,
  detail: Record<string, unknown>,
  staffId: string | null,
): Promise<void> {
  const at = ctx.now().toISOString();
  await ctx.storage.write(async (trx) => {
    await trx
      .insertInto('loyalty_jobs')
      .values({ name, last_run_at: at, detail: JSON.stringify(detail) })
      .onConflict((oc) => oc.column('name').doUpdateSet({ last_run_at: at, detail: JSON.stringify(detail) }))
      .execute();
    await recordAudit(trx, ctx, {
      kind: 'loyalty.job_run',
      staffId,
      subjectType: 'loyalty_job',
      subjectId: name,
      detail,
    });
  });
}

/** Expires every lot whose time has come, a batch of members per transaction. */
export async function runPointsExpiry(ctx: AppContext, staffId: string | null = null) {
  let members = 0;
  let points = 0;
  for (;;) {
    const done = await runAction(ctx, async (trx, outbox) => {
      const due = await trx
        .selectFrom('points_lots')
        .select('member_id')
        .distinct()
        .where('remaining', '>', 0)
        .where('expires_at', '<=', ctx.now().toISOString())
        .limit(BATCH)
        .execute();
      for (const { member_id } of due) {
        const book = await PointsBook.openAny(trx, ctx, member_id, { staffId: null });
        points += await book.expireDue();
        noteMemberChanged(outbox, member_id, 'points_expired');
      }
      members += due.length;
      return due.length < BATCH;
    });
    if (done) break;
  }
  const result = { members, points };
  await finishJob(ctx, 'expire-points', result, staffId);
  return result;
}

/**
 * The periodic tier review: a member whose figures no longer reach their tier is marked; one
 * still below it `graceDays` after being marked moves down to the tier they do reach. A member
 * back above the line loses the mark.
 */
export async function runTierReview(ctx: AppContext, staffId: string | null = null) {
  const settings = await loadSettings(ctx.storage.db);
  const graceMs = settings.tierReview.graceDays * 86_400_000;
  let after = '';
  let reviewed = 0;
  let marked = 0;
  let downgraded = 0;
  for (;;) {
    const count = await runAction(ctx, async (trx, outbox) => {
      const tiers = await loadTiers(trx);
      const now = ctx.now();
      const members = await trx
        .selectFrom('members')
        .innerJoin('tiers', 'tiers.id', 'members.tier_id')
        .selectAll('members')
        .where('tiers.rank', '>', entryTier(tiers).rank)
        .where('members.status', '=', 'active')
        .where('members.id', '>', after)
        .orderBy('members.id')
        .limit(BATCH)
        .execute();
      for (const member of members) {
        after = member.id;
        const current = tiers.find((tier) => tier.id === member.tier_id) ?? entryTier(tiers);
        const stats = await tierStats(trx, member, now);
        const target = qualifyingTier(tiers, stats);
        if (target.rank >= current.rank) {
          if (member.tier_below_since) {
            await trx
              .updateTable('members')
              .set({ tier_below_since: null })
              .where('id', '=', member.id)
              .execute();
          }
          continue;
        }
        const belowSince = member.tier_below_since ?? now.toISOString();
        if (now.getTime() - Date.parse(belowSince) >= graceMs) {
          await changeTier(trx, ctx, outbox, {
            member,
            from: current,
            to: target,
            reason: 'review_downgrade',
            detail: { ...stats, belowSince, graceDays: settings.tierReview.graceDays },
            ref: null,
            staffId,
          });
          noteMemberChanged(outbox, member.id, 'tier_review');
          downgraded += 1;
        } else if (!member.tier_below_since) {
          await trx
            .updateTable('members')
            .set({ tier_below_since: belowSince })
            .where('id', '=', member.id)
            .execute();
          marked += 1;
        }
      }
      return members.length;
    });
    reviewed += count;
    if (count < BATCH) break;
  }
  const result = { reviewed, marked, downgraded };
  await finishJob(ctx, 'tier-review', result, staffId);
  return result;
}

/** Birthday coupons for everyone whose birthday month it is (store's zone); never twice a year. */
export async function runBirthdayCoupons(ctx: AppContext, staffId: string | null = null) {
  const local = inStoreZone(ctx.now(), ctx.store.timeZone);
  const month = local.getMonth() + 1;
  const year = local.getFullYear();
  let after = '';
  let issued = 0;
  for (;;) {
    const count = await runAction(ctx, async (trx, outbox) => {
      const members = await trx
        .selectFrom('members')
        .innerJoin('tiers', 'tiers.id', 'members.tier_id')
        .select(['members.id', 'tiers.birthday_coupon_template_id'])
        .where('members.birth_month', '=', month)
        .where('members.status', '=', 'active')
        .where('members.id', '>', after)
        .orderBy('members.id')
        .limit(BATCH)
        .execute();
      for (const member of members) {
        after = member.id;
        const issueKey = `birthday:${year}:${member.id}`;
        issued += await issueTriggeredCoupons(trx, ctx, outbox, {
          trigger: 'birthday',
          memberId: member.id,
          issueKey,
        });
        if (member.birthday_coupon_template_id)
          issued += await tierBirthdayCoupon(
            trx,
            ctx,
            outbox,
            member.id,
            member.birthday_coupon_template_id,
            issueKey,
          );
      }
      return members.length;
    });
    if (count < BATCH) break;
  }
  const result = { month, issued };
  await finishJob(ctx, 'birthday-coupons', result, staffId);
  return result;
}

async function tierBirthdayCoupon(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  memberId: string,
  templateId: string,
  issueKey: string,
): Promise<number> {
  const template = await trx
    .selectFrom('coupon_templates')
    .selectAll()
    .where('id', '=', templateId)
    .where('active', '=', 1)
    .executeTakeFirst();
  if (!template) return 0;
  const outcome = await issueCoupon(trx, ctx, outbox, {
    template,
    memberId,
    reason: 'birthday',
    issueKey: `${issueKey}:${template.id}`,
    staffId: null,
  });
  return outcome.issued ? 1 : 0;
}

export function runLoyaltyJob(ctx: AppContext, job: LoyaltyJob, staffId: string | null) {
  if (job === 'expire-points') return runPointsExpiry(ctx, staffId);
  if (job === 'tier-review') return runTierReview(ctx, staffId);
  return runBirthdayCoupons(ctx, staffId);
}

/** The jobs whose turn it is: expiry always; birthday coupons once a month; the review every `everyDays`. */
async function runDueJobs(ctx: AppContext): Promise<void> {
  await runPointsExpiry(ctx);
  const last = new Map(
    (await ctx.storage.db.selectFrom('loyalty_jobs').select(['name', 'last_run_at']).execute()).map((row) => [
      row.name,
      row.last_run_at,
    ]),
  );
  const now = ctx.now();
  const tz = ctx.store.timeZone;
  const monthOf = (iso: string) => {
    const local = inStoreZone(new Date(iso), tz);
    return local.getFullYear() * 12 + local.getMonth();
  };
  const birthdays = last.get('birthday-coupons');
  if (!birthdays || monthOf(birthdays) !== monthOf(now.toISOString())) await runBirthdayCoupons(ctx);
  const settings = await loadSettings(ctx.storage.db);
  const review = last.get('tier-review');
  if (!review || now.getTime() - Date.parse(review) >= settings.tierReview.everyDays * 86_400_000) {
    await runTierReview(ctx);
  }
}

/**
 * Runs the due loyalty jobs every `everyMs` (an hour by default) while the server runs. Making
 * it does no work; `stop()` clears the timer and waits for a run in progress, before the
 * database closes.
 */
export class LoyaltyTimer {
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<void> | null = null;

  constructor(
    private readonly ctx: AppContext,
    private readonly everyMs = 3_600_000,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.current) return;
      this.current = runDueJobs(this.ctx)
        .catch((error: unknown) => this.ctx.log.error({ err: error }, 'loyalty jobs failed'))
        .finally(() => {
          this.current = null;
        });
    }, this.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.current;
  }
}

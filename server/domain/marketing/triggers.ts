import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { runAction } from '../../events/action.js';
import { newId } from '../../ids.js';
import {
  type FireResult,
  TRIGGER_KINDS,
  type TriggerConfig,
  type TriggerDays,
  type TriggerKind,
  type TriggersRun,
} from '../../protocol/campaigns.js';
import { CHANNELS, type Channel } from '../../protocol/members.js';
import type { Database } from '../../storage/schema.js';
import { storeDate } from '../loyalty/calendar.js';
import { issueCoupon } from '../loyalty/coupon-issue.js';
import { addDays, dayStart } from '../reports/range.js';
import {
  campaignSettings,
  capCounts,
  checkTemplate,
  checkTemplateCode,
  memberFigures,
  type Outgoing,
  reachable,
  render,
  templateParams,
  valuesFor,
  wakeDelivery,
  writeMessages,
} from './campaigns.js';
import { channelConfig } from './channels.js';

/**
 * Automatic campaigns: the owner switches a trigger on with a template, a channel and
 * optionally a coupon; the marketing worker evaluates them on the server's clock (and on the
 * events of a tier upgrade or a first purchase). Each member gets each trigger at most once per
 * occasion — the unique key of `campaign_trigger_sends` holds that in the database. Consent,
 * the frequency cap and quiet hours apply as for campaigns.
 */
export const TRIGGER_DAYS: TriggerDays = {
  /** Days before the birthday. */
  birthday: { default: 7, min: 0, max: 60 },
  /** Days without a purchase. */
  dormant: { default: 90, min: 7, max: 1000 },
  /** Points expiring within this many days. */
  points_expiring: { default: 30, min: 1, max: 365 },
  tier_upgrade: null,
  first_purchase: null,
};

const DEFAULT_TEMPLATES: Record<TriggerKind, string> = {
  birthday: '{{name}}，生日快乐！送您生日券 {{couponCode}}，欢迎到店使用。',
  dormant: '{{name}}，好久不见！新品已到店，欢迎回来看看。',
  points_expiring: '{{name}}，您有 {{expiringPoints}} 积分即将过期，记得到店使用。',
  tier_upgrade: '{{name}}，恭喜您升级为{{tier}}！',
  first_purchase: '{{name}}，感谢您的首次光临，期待再次见到您。',
};

/** The campaigns a trigger makes are named by it and the store day (one per trigger, channel and day). */
const CAMPAIGN_NAMES: Record<TriggerKind, string> = {
  birthday: '生日祝福',
  dormant: '沉睡唤醒',
  points_expiring: '积分到期提醒',
  tier_upgrade: '升级祝贺',
  first_purchase: '首购感谢',
};

/** A member whose dormancy began more than this many days before the trigger looked is left to campaigns. */
const DORMANT_CATCH_UP_DAYS = 30;
/** Tier upgrades and first purchases the events missed (a restart) are caught up this far back. */
const CATCH_UP_DAYS = 2;

export const triggerInput = z.strictObject({
  enabled: z.boolean(),
  days: z.number().int().min(0).max(3650).nullable().optional(),
  channel: z.enum(CHANNELS),
  template: z.string().trim().min(1).max(500),
  couponTemplateId: z.string().min(1).max(64).nullable().optional(),
  /** SMS through a provider: the code of the template it approved (the trigger's text is its wording). */
  templateCode: z.string().trim().min(1).max(40).nullable().optional(),
});
export type TriggerInput = z.output<typeof triggerInput>;

const cache = new WeakMap<AppContext, Promise<TriggerConfig[]>>();

async function loadTriggers(ctx: AppContext): Promise<TriggerConfig[]> {
  const rows = await ctx.storage.db
    .selectFrom('campaign_triggers')
    .selectAll()
    .where('store_id', '=', ctx.store.id)
    .execute();
  return TRIGGER_KINDS.map((kind) => {
    const row = rows.find((r) => r.kind === kind);
    if (!row) {
      return {
        kind,
        enabled: false,
        days: TRIGGER_DAYS[kind]?.default ?? null,
        channel: 'sms',
        template: DEFAULT_TEMPLATES[kind],
        couponTemplateId: null,
        templateCode: null,
        updatedAt: null,
      };
    }
    return {
      kind,
      enabled: row.enabled === 1,
      days: row.days,
      channel: row.channel as Channel,
      template: row.template,
      couponTemplateId: row.coupon_template_id,
      templateCode: row.template_code,
      updatedAt: row.updated_at,
    };
  });
}

/** Every trigger with the owner's settings (switched off with a default template until saved). */
export function listTriggers(ctx: AppContext): Promise<TriggerConfig[]> {
  let found = cache.get(ctx);
  if (!found) {
    found = loadTriggers(ctx);
    cache.set(ctx, found);
    found.catch(() => cache.delete(ctx));
  }
  return found;
}

export async function setTrigger(
  ctx: AppContext,
  kind: TriggerKind,
  input: TriggerInput,
): Promise<TriggerConfig> {
  checkTemplate(input.template);
  const bounds = TRIGGER_DAYS[kind];
  let days: number | null = null;
  if (bounds) {
    days = input.days ?? bounds.default;
    if (days < bounds.min || days > bounds.max) {
      throw new ApiError('validation_failed', 'The number of days is out of range for this trigger.', {
        'body.days': `${bounds.min} to ${bounds.max} for ${kind}`,
      });
    }
  } else if (input.days !== undefined && input.days !== null) {
    throw new ApiError('validation_failed', 'This trigger takes no number of days.', {
      'body.days': `not used by ${kind}`,
    });
  }
  const couponTemplateId = input.couponTemplateId ?? null;
  if (couponTemplateId) {
    const template = await ctx.storage.db
      .selectFrom('coupon_templates')
      .select('active')
      .where('id', '=', couponTemplateId)
      .executeTakeFirst();
    if (template?.active !== 1) {
      throw new ApiError('validation_failed', 'No active coupon template with this id.', {
        'body.couponTemplateId': template ? 'the coupon template is not active' : 'unknown coupon template',
      });
    }
  }
  const templateCode = input.templateCode ?? null;
  // Alibaba and Tencent send only the templates they approved: a trigger switched on for SMS
  // through one of them would fail every message without the code.
  if (input.enabled && input.channel === 'sms') {
    checkTemplateCode(await channelConfig(ctx, 'sms'), templateCode ?? undefined);
  }
  const at = ctx.now().toISOString();
  const values = {
    enabled: input.enabled ? 1 : 0,
    days,
    channel: input.channel,
    template: input.template,
    coupon_template_id: couponTemplateId,
    template_code: templateCode,
    updated_at: at,
  };
  await ctx.storage.write((trx) =>
    trx
      .insertInto('campaign_triggers')
      .values({ store_id: ctx.store.id, kind, ...values })
      .onConflict((oc) => oc.columns(['store_id', 'kind']).doUpdateSet(values))
      .execute(),
  );
  cache.delete(ctx);
  const saved = (await listTriggers(ctx)).find((t) => t.kind === kind);
  if (!saved) throw new Error(`trigger ${kind} not saved`);
  return saved;
}

/** A member a trigger fires for, and the occasion that makes it fire only once. */
export interface Candidate {
  memberId: string;
  occasion: string;
}

const counted = (ctx: AppContext) =>
  sql`s.store_id = ${ctx.store.id} and s.training = 0 and s.status <> 'voided' and s.member_id is not null`;

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** Birthdays from today to N days ahead (29 Feb counts on 28 Feb in other years); occasion: that birthday's date. */
async function birthdayCandidates(ctx: AppContext, days: number, memberId?: string): Promise<Candidate[]> {
  const today = storeDate(ctx.now(), ctx.store.timeZone);
  const wanted = new Map<string, string>();
  for (let d = 0; d <= days; d++) {
    const date = addDays(today, d);
    const [year, month, day] = date.split('-').map(Number) as [number, number, number];
    wanted.set(`${month}-${day}`, date);
    if (month === 2 && day === 28 && !isLeap(year)) wanted.set('2-29', date);
  }
  const months = [...new Set([...wanted.keys()].map((key) => Number(key.split('-')[0])))];
  let query = ctx.storage.db
    .selectFrom('members')
    .select(['id', 'birth_month', 'birth_day'])
    .where('store_id', '=', ctx.store.id)
    .where('status', '=', 'active')
    .where('birth_month', 'in', months)
    .where('birth_day', 'is not', null);
  if (memberId) query = query.where('id', '=', memberId);
  const rows = await query.execute();
  const out: Candidate[] = [];
  for (const row of rows) {
    const occasion = wanted.get(`${row.birth_month}-${row.birth_day}`);
    if (occasion) out.push({ memberId: row.id, occasion });
  }
  return out;
}

/**
 * Members whose last purchase was N days ago or earlier — but no more than 30 days before
 * that, so switching the trigger on does not wake every customer the shop ever had (that is
 * a campaign over a segment). Occasion: the last purchase day, so a member who comes back and
 * lapses again hears from the shop again.
 */
async function dormantCandidates(ctx: AppContext, days: number): Promise<Candidate[]> {
  const today = storeDate(ctx.now(), ctx.store.timeZone);
  const cutoff = addDays(today, -days);
  const earliest = addDays(cutoff, -DORMANT_CATCH_UP_DAYS);
  const db = ctx.storage.db;
  const lapsed = await sql<{ member: string; last: string }>`
    select s.member_id as member, max(s.business_day) as last from sales s
    where ${counted(ctx)} and s.business_day >= ${earliest} and s.business_day <= ${cutoff}
    group by s.member_id`.execute(db);
  if (lapsed.rows.length === 0) return [];
  const back = await sql<{ member: string }>`
    select distinct s.member_id as member from sales s where ${counted(ctx)} and s.business_day > ${cutoff}`.execute(
    db,
  );
  const active = new Set(back.rows.map((row) => row.member));
  return lapsed.rows
    .filter((row) => !active.has(row.member))
    .map((row) => ({ memberId: row.member, occasion: row.last }));
}

/** Members with points expiring within N days; occasion: the store day the first of them expire. */
async function expiringCandidates(ctx: AppContext, days: number): Promise<Candidate[]> {
  const now = ctx.now();
  const until = new Date(now.getTime() + days * 86_400_000).toISOString();
  const rows = await ctx.storage.db
    .selectFrom('points_lots')
    .select(['member_id', (eb) => eb.fn.min('expires_at').as('first')])
    .where('remaining', '>', 0)
    .where('expires_at', '>', now.toISOString())
    .where('expires_at', '<=', until)
    .groupBy('member_id')
    .execute();
  return rows.map((row) => ({
    memberId: row.member_id,
    occasion: storeDate(new Date(String(row.first)), ctx.store.timeZone),
  }));
}

/** Upgrades of the last days the member still holds; occasion: the tier change. */
async function upgradeCandidates(ctx: AppContext, memberId?: string): Promise<Candidate[]> {
  const since = new Date(ctx.now().getTime() - CATCH_UP_DAYS * 86_400_000).toISOString();
  let query = ctx.storage.db
    .selectFrom('tier_changes')
    .innerJoin('members', 'members.id', 'tier_changes.member_id')
    .select(['tier_changes.id', 'tier_changes.member_id'])
    .where('tier_changes.store_id', '=', ctx.store.id)
    .where('tier_changes.at', '>=', since)
    .where('tier_changes.reason', '=', 'upgrade')
    .whereRef('members.tier_id', '=', 'tier_changes.to_tier_id')
    .orderBy('tier_changes.at');
  if (memberId) query = query.where('tier_changes.member_id', '=', memberId);
  return (await query.execute()).map((row) => ({ memberId: row.member_id, occasion: row.id }));
}

/** Members whose only purchase so far was in the last days; occasion: `first`. */
async function firstPurchaseCandidates(ctx: AppContext, memberId?: string): Promise<Candidate[]> {
  const since = addDays(storeDate(ctx.now(), ctx.store.timeZone), -CATCH_UP_DAYS);
  const db = ctx.storage.db;
  const recent = memberId
    ? [memberId]
    : (
        await sql<{ member: string }>`
          select distinct s.member_id as member from sales s where ${counted(ctx)} and s.business_day >= ${since}`.execute(
          db,
        )
      ).rows.map((row) => row.member);
  const out: Candidate[] = [];
  for (let i = 0; i < recent.length; i += 500) {
    const part = recent.slice(i, i + 500);
    const found = await sql<{ member: string; n: number; first: string }>`
      select s.member_id as member, count(*) as n, min(s.business_day) as first from sales s
      where ${counted(ctx)} and s.member_id in (${sql.join(part)})
      group by s.member_id`.execute(db);
    for (const row of found.rows) {
      if (Number(row.n) === 1 && row.first >= since) out.push({ memberId: row.member, occasion: 'first' });
    }
  }
  return out;
}

function candidates(ctx: AppContext, trigger: TriggerConfig, memberId?: string): Promise<Candidate[]> {
  const days = trigger.days ?? TRIGGER_DAYS[trigger.kind]?.default ?? 0;
  switch (trigger.kind) {
    case 'birthday':
      return birthdayCandidates(ctx, days, memberId);
    case 'dormant':
      return dormantCandidates(ctx, days);
    case 'points_expiring':
      return expiringCandidates(ctx, days);
    case 'tier_upgrade':
      return upgradeCandidates(ctx, memberId);
    case 'first_purchase':
      return firstPurchaseCandidates(ctx, memberId);
  }
}

/** The campaign a trigger's messages of today go into (made at the first one). */
async function todaysCampaign(trx: Kysely<Database>, ctx: AppContext, trigger: TriggerConfig, at: string) {
  const today = storeDate(ctx.now(), ctx.store.timeZone);
  const found = await trx
    .selectFrom('campaigns')
    .select('id')
    .where('store_id', '=', ctx.store.id)
    .where('trigger_kind', '=', trigger.kind)
    .where('channel', '=', trigger.channel)
    .where('sent_at', '>=', dayStart(today, ctx.store.timeZone))
    .orderBy('sent_at')
    .executeTakeFirst();
  if (found) return found.id;
  const id = newId();
  await trx
    .insertInto('campaigns')
    .values({
      id,
      store_id: ctx.store.id,
      name: `${CAMPAIGN_NAMES[trigger.kind]} ${today}`,
      channel: trigger.channel,
      template: trigger.template,
      definition: JSON.stringify({ trigger: trigger.kind, days: trigger.days }),
      coupon_template_id: trigger.couponTemplateId,
      sent_at: at,
      sent_by: null,
      trigger_kind: trigger.kind,
    })
    .execute();
  return id;
}

const COUPON_REASON = { birthday: 'birthday', tier_upgrade: 'tier_upgrade' } as const;

/** Sends a trigger's message (and coupon) to the candidates who have not had it for this occasion. */
async function fire(
  ctx: AppContext,
  trigger: TriggerConfig,
  found: readonly Candidate[],
): Promise<FireResult> {
  const result: FireResult = {
    candidates: found.length,
    already: 0,
    withoutConsent: 0,
    queued: 0,
    exported: 0,
    capped: 0,
    coupons: 0,
  };
  if (found.length === 0) return result;
  const db = ctx.storage.db;
  // One occasion per member at a time: the earliest.
  const byMember = new Map<string, Candidate>();
  for (const c of found) {
    const seen = byMember.get(c.memberId);
    if (!seen || c.occasion < seen.occasion) byMember.set(c.memberId, c);
  }
  const ids = [...byMember.keys()];
  const done = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('campaign_trigger_sends')
      .select(['member_id', 'occasion'])
      .where('store_id', '=', ctx.store.id)
      .where('kind', '=', trigger.kind)
      .where('member_id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const row of rows) done.add(`${row.member_id}\n${row.occasion}`);
  }
  const fresh = ids.filter((id) => !done.has(`${id}\n${byMember.get(id)?.occasion}`));
  result.already = ids.length - fresh.length;
  const { reached, withoutConsent, withoutAddress } = await reachable(ctx, fresh, trigger.channel);
  result.withoutConsent = withoutConsent + withoutAddress;
  if (reached.length === 0) return result;
  const figures = await memberFigures(
    ctx,
    reached.map((m) => m.memberId),
    trigger.couponTemplateId,
    trigger.kind === 'points_expiring' ? (trigger.days ?? 30) : 30,
  );
  const config = await channelConfig(ctx, trigger.channel);
  const configured = config !== undefined;
  // A provider's approved template goes with its variables; a gateway takes the text alone.
  const templateCode = config?.provider ? (trigger.templateCode ?? undefined) : undefined;
  const settings = await campaignSettings(ctx);
  const counts = await capCounts(
    ctx,
    trigger.channel,
    settings,
    reached.map((m) => m.memberId),
  );
  const coupon = trigger.couponTemplateId
    ? await db
        .selectFrom('coupon_templates')
        .selectAll()
        .where('id', '=', trigger.couponTemplateId)
        .where('active', '=', 1)
        .executeTakeFirst()
    : undefined;
  for (let i = 0; i < reached.length; i += 200) {
    const batch = reached.slice(i, i + 200);
    await runAction(ctx, async (trx, events) => {
      const at = ctx.now().toISOString();
      const campaignId = await todaysCampaign(trx, ctx, trigger, at);
      const messages: Outgoing[] = [];
      for (const member of batch) {
        const occasion = byMember.get(member.memberId)?.occasion ?? '';
        const messageId = newId();
        const sendId = newId();
        const inserted = await trx
          .insertInto('campaign_trigger_sends')
          .values({
            id: sendId,
            store_id: ctx.store.id,
            kind: trigger.kind,
            member_id: member.memberId,
            occasion,
            message_id: messageId,
            coupon_code: null,
            at,
          })
          .onConflict((oc) => oc.columns(['store_id', 'kind', 'member_id', 'occasion']).doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
          result.already += 1;
          continue;
        }
        let couponCode: string | undefined;
        if (coupon) {
          const issued = await issueCoupon(trx, ctx, events, {
            template: coupon,
            memberId: member.memberId,
            reason:
              trigger.kind === 'birthday' || trigger.kind === 'tier_upgrade'
                ? COUPON_REASON[trigger.kind]
                : 'segment',
            issueKey: `campaign:${trigger.kind}:${member.memberId}:${occasion}`,
            staffId: null,
          });
          if (issued.issued) {
            couponCode = issued.coupon.code;
            result.coupons += 1;
            await trx
              .updateTable('campaign_trigger_sends')
              .set({ coupon_code: couponCode })
              .where('id', '=', sendId)
              .execute();
          }
        }
        const sentBefore = counts.get(member.memberId) ?? 0;
        const status = sentBefore >= settings.capCount ? 'capped' : configured ? 'queued' : 'exported';
        if (status !== 'capped') counts.set(member.memberId, sentBefore + 1);
        result[status] += 1;
        const values = valuesFor(member, figures, couponCode);
        messages.push({
          messageId,
          member,
          body: render(trigger.template, values),
          status,
          template: templateCode
            ? { templateCode, params: templateParams(trigger.template, values) }
            : undefined,
        });
      }
      await writeMessages(trx, ctx, {
        campaignId,
        channel: trigger.channel,
        subject: `${ctx.store.name} · ${CAMPAIGN_NAMES[trigger.kind]}`,
        at,
        messages,
      });
    });
  }
  if (result.queued > 0) wakeDelivery(ctx);
  if (result.capped > 0) ctx.log.info({ trigger: trigger.kind, capped: result.capped }, 'campaign.capped');
  return result;
}

/** Evaluates every switched-on trigger now (the worker does this every hour). */
export async function runTriggers(ctx: AppContext): Promise<TriggersRun> {
  const results: Partial<Record<TriggerKind, FireResult>> = {};
  for (const trigger of await listTriggers(ctx)) {
    if (!trigger.enabled) continue;
    results[trigger.kind] = await fire(ctx, trigger, await candidates(ctx, trigger));
  }
  return { at: ctx.now().toISOString(), results };
}

/** One member's event (a tier upgrade, a first purchase): that trigger for that member now, if on. */
export async function fireForMember(
  ctx: AppContext,
  kind: 'tier_upgrade' | 'first_purchase',
  memberId: string,
) {
  const trigger = (await listTriggers(ctx)).find((t) => t.kind === kind);
  if (!trigger?.enabled) return null;
  return fire(ctx, trigger, await candidates(ctx, trigger, memberId));
}

/** The trigger sends of a member (newest first), for the send history. */
export async function triggerSends(ctx: AppContext, memberId: string) {
  return ctx.storage.db
    .selectFrom('campaign_trigger_sends')
    .innerJoin('campaign_messages', 'campaign_messages.id', 'campaign_trigger_sends.message_id')
    .select([
      'campaign_trigger_sends.kind',
      'campaign_trigger_sends.occasion',
      'campaign_trigger_sends.coupon_code as couponCode',
      'campaign_trigger_sends.at',
      'campaign_messages.status',
      'campaign_messages.body',
    ])
    .where('campaign_trigger_sends.store_id', '=', ctx.store.id)
    .where('campaign_trigger_sends.member_id', '=', memberId)
    .orderBy('campaign_trigger_sends.at', 'desc')
    .execute();
}

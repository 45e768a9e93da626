import { type Kysely, sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { ApiError, notFound } from '../../errors.js';
import { newId } from '../../ids.js';
import type {
  CampaignPreview,
  DeliveryResult,
  OutboxMessage,
  OutboxPage,
  OutboxStatus,
} from '../../protocol/campaigns.js';
import type { Channel } from '../../protocol/members.js';
import type { Report } from '../../protocol/reports.js';
import type { SegmentDefinition } from '../../protocol/segments.js';
import type { Database } from '../../storage/schema.js';
import { recordAudit } from '../audit/service.js';
import { localHour } from '../reports/range.js';
import { int, text } from '../reports/table.js';
import {
  type ChannelConfig,
  channelConfig,
  channelConfigs,
  dispatch,
  payloadFor,
  type TemplateUse,
} from './channels.js';
import { segmentMembers } from './segments.js';
import { smsParts, smsText } from './sms-text.js';

export const PLACEHOLDERS = ['name', 'points', 'expiringPoints', 'couponCode', 'tier'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

const PLACEHOLDER = /\{\{\s*([^}\s]*)\s*\}\}/g;

/** Unknown placeholders of a template, e.g. `["nmae"]` for `{{nmae}}`. */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)]
    .map((match) => match[1] ?? '')
    .filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name));
}

/** The placeholders of a template in the order they first appear: a provider template's variables. */
export function templateParams(template: string, values: Record<Placeholder, string>): [string, string][] {
  const names = [...new Set([...template.matchAll(PLACEHOLDER)].map((match) => match[1] as Placeholder))];
  return names.map((name) => [name, values[name] ?? '']);
}

export function render(template: string, values: Record<Placeholder, string>): string {
  return template.replace(PLACEHOLDER, (_all, name: Placeholder) => values[name] ?? '');
}

/** Refuses a template with a placeholder Hanger does not know, naming it and the field. */
export function checkTemplate(template: string, field = 'body.template') {
  const unknown = unknownPlaceholders(template);
  if (unknown.length > 0) {
    throw new ApiError('validation_failed', 'The template has a placeholder Hanger does not know.', {
      [field]: `unknown placeholder ${unknown.map((name) => `{{${name}}}`).join(', ')}; known: ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`,
    });
  }
}

/** What the owner may change about delivery; these apply until they do. */
export const CAMPAIGN_DEFAULTS = {
  /** At most `capCount` campaign messages per member and channel in `capDays` days. */
  capCount: 2,
  capDays: 7,
  /** Store-local hours: nothing is sent from 21:00 until 09:00 (equal hours: no quiet hours). */
  quietStart: 21,
  quietEnd: 9,
  /** A message is tried this many times before it is `failed`. */
  maxAttempts: 3,
  /** What one SMS costs the shop (fen), for the cost shown before a 群发; 0: not set. */
  smsPriceFen: 0,
  /** The line an SMS ends with (the approved templates end with it; counted in every SMS). */
  smsOptOut: '回T退订',
};
export type CampaignSettings = typeof CAMPAIGN_DEFAULTS;

/** Wait before retry n (1-based): 1, 5, 25, … minutes. */
export const retryDelayMs = (attempt: number) => 60_000 * 5 ** (attempt - 1);

export async function campaignSettings(ctx: AppContext): Promise<CampaignSettings> {
  const row = await ctx.storage.db
    .selectFrom('campaign_settings')
    .selectAll()
    .where('store_id', '=', ctx.store.id)
    .executeTakeFirst();
  if (!row) return { ...CAMPAIGN_DEFAULTS };
  return {
    capCount: row.cap_count,
    capDays: row.cap_days,
    quietStart: row.quiet_start,
    quietEnd: row.quiet_end,
    maxAttempts: row.max_attempts,
    smsPriceFen: row.sms_price_fen,
    smsOptOut: row.sms_opt_out,
  };
}

export async function setCampaignSettings(ctx: AppContext, change: Partial<CampaignSettings>) {
  const next = { ...(await campaignSettings(ctx)), ...change };
  const at = ctx.now().toISOString();
  const values = {
    cap_count: next.capCount,
    cap_days: next.capDays,
    quiet_start: next.quietStart,
    quiet_end: next.quietEnd,
    max_attempts: next.maxAttempts,
    sms_price_fen: next.smsPriceFen,
    sms_opt_out: next.smsOptOut,
    updated_at: at,
  };
  await ctx.storage.write((trx) =>
    trx
      .insertInto('campaign_settings')
      .values({ store_id: ctx.store.id, ...values })
      .onConflict((oc) => oc.column('store_id').doUpdateSet(values))
      .execute(),
  );
  return next;
}

/** Whether `at` falls in the quiet hours, in the store's time zone. */
export function isQuiet(at: Date, timeZone: string, settings: CampaignSettings): boolean {
  const { quietStart: start, quietEnd: end } = settings;
  if (start === end) return false;
  const hour = localHour(at, timeZone);
  return start < end ? hour >= start && hour < end : hour >= start || hour < end;
}

/** One delivery run at a time per store, so no message is posted twice. */
const running = new WeakMap<AppContext, Promise<unknown>>();
/** The background worker's wake-up, called when messages were queued (see marketing-worker.ts). */
const wakers = new WeakMap<AppContext, () => void>();

export function onQueued(ctx: AppContext, wake: (() => void) | null): void {
  if (wake) wakers.set(ctx, wake);
  else wakers.delete(ctx);
}
/** Tells the delivery worker (if it runs) that messages are waiting. */
export function wakeDelivery(ctx: AppContext): void {
  wakers.get(ctx)?.();
}

const DELIVERY_BATCH = 200;

/**
 * Sends the outbox's due messages: outside quiet hours (test sends ignore them), each queued
 * message whose next attempt is due goes to its channel; a failure is retried after 1, 5,
 * 25, … minutes until `maxAttempts`, then it is `failed`. The send log follows. `batches`
 * bounds the work of one run (the worker's); `shouldStop` ends it between two messages.
 */
export function deliver(
  ctx: AppContext,
  options: { batches?: number; shouldStop?: () => boolean } = {},
): Promise<DeliveryResult> {
  const previous = running.get(ctx) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => deliverNow(ctx, options));
  running.set(ctx, run);
  return run;
}

async function deliverNow(
  ctx: AppContext,
  {
    batches = Number.POSITIVE_INFINITY,
    shouldStop = () => false,
  }: { batches?: number; shouldStop?: () => boolean },
): Promise<DeliveryResult> {
  const db = ctx.storage.db;
  const settings = await campaignSettings(ctx);
  const configs = await channelConfigs(ctx);
  const result: DeliveryResult = { quiet: false, attempted: 0, sent: 0, retrying: 0, failed: 0, more: false };
  for (let batch = 0; ; batch++) {
    const now = ctx.now();
    result.quiet = isQuiet(now, ctx.store.timeZone, settings);
    let query = db
      .selectFrom('campaign_outbox')
      .selectAll()
      .where('store_id', '=', ctx.store.id)
      .where('status', '=', 'queued')
      .where('next_attempt_at', '<=', now.toISOString())
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(DELIVERY_BATCH);
    if (result.quiet) query = query.where('message_id', 'is', null);
    const due = await query.execute();
    if (due.length === 0) return result;
    if (batch >= batches) {
      result.more = true;
      return result;
    }
    for (const message of due) {
      if (shouldStop()) {
        result.more = true;
        return result;
      }
      // Read again just before sending: erasing the member may have withdrawn it meanwhile.
      const current = await db
        .selectFrom('campaign_outbox')
        .select(['status', 'payload'])
        .where('id', '=', message.id)
        .executeTakeFirst();
      if (current?.status !== 'queued') continue;
      const config = configs.find((c) => c.channel === message.channel);
      const { error, ref } = await dispatch(ctx, config, current.payload, message.id);
      const attempts = message.attempts + 1;
      const at = ctx.now();
      const status = !error ? 'sent' : attempts >= settings.maxAttempts ? 'failed' : 'queued';
      result.attempted += 1;
      result[status === 'queued' ? 'retrying' : status] += 1;
      await ctx.storage.write(async (trx) => {
        await trx
          .updateTable('campaign_outbox')
          .set({
            status,
            attempts,
            error,
            sent_at: error ? null : at.toISOString(),
            provider_ref: ref ?? null,
            next_attempt_at:
              status === 'queued'
                ? new Date(at.getTime() + retryDelayMs(attempts)).toISOString()
                : message.next_attempt_at,
          })
          .where('id', '=', message.id)
          .where('status', '=', 'queued')
          .execute();
        if (message.message_id) {
          await trx
            .updateTable('campaign_messages')
            .set({ status, error })
            .where('id', '=', message.message_id)
            .where('status', '=', 'queued')
            .execute();
        }
      });
    }
    if (due.length < DELIVERY_BATCH) return result;
  }
}

/** When the next queued message is due (quiet hours aside), or null when none waits. */
export async function nextDueAt(ctx: AppContext): Promise<Date | null> {
  const row = await ctx.storage.db
    .selectFrom('campaign_outbox')
    .select((eb) => eb.fn.min('next_attempt_at').as('at'))
    .where('store_id', '=', ctx.store.id)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return row?.at ? new Date(String(row.at)) : null;
}

const SAMPLE = { name: '店主', points: '100', expiringPoints: '20', couponCode: 'TEST-CODE', tier: '金卡' };

/**
 * A test send to the owner's own phone (sms), WeChat openid or e-mail address: through the
 * outbox like a campaign message, now even in quiet hours, never counted against a member's cap.
 */
export async function testSend(
  ctx: AppContext,
  channel: Channel,
  to: string,
  template: string,
  templateCode?: string,
) {
  checkTemplate(template);
  if (channel === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(to)) {
    throw new ApiError('validation_failed', 'An e-mail test goes to an e-mail address.', {
      'body.to': 'an e-mail address',
    });
  }
  const config = await channelConfig(ctx, channel);
  if (!config) {
    throw new ApiError('validation_failed', 'The channel has no gateway; configure it first.', {
      'body.channel': `no gateway configured for ${channel}`,
    });
  }
  const code = checkTemplateCode(config, templateCode);
  const body = render(template, SAMPLE);
  const id = newId();
  const at = ctx.now().toISOString();
  await ctx.storage.write((trx) =>
    trx
      .insertInto('campaign_outbox')
      .values({
        id,
        store_id: ctx.store.id,
        message_id: null,
        channel,
        payload: payloadFor(
          channel,
          { phone: to, code: to, name: SAMPLE.name, email: to },
          body,
          `${ctx.store.name} · 测试 test`,
          code ? { templateCode: code, params: templateParams(template, SAMPLE) } : undefined,
        ),
        status: 'queued',
        attempts: 0,
        next_attempt_at: at,
        error: null,
        created_at: at,
        sent_at: null,
      })
      .execute(),
  );
  await deliver(ctx);
  const [entry] = (await outboxRows(ctx, (q) => q.where('o.id', '=', id))).map(outboxView);
  return entry;
}

type OutboxQuery = ReturnType<typeof outboxBase>;
function outboxBase(ctx: AppContext) {
  return ctx.storage.db
    .selectFrom('campaign_outbox as o')
    .leftJoin('campaign_messages as m', 'm.id', 'o.message_id')
    .leftJoin('campaigns as c', 'c.id', 'm.campaign_id')
    .leftJoin('members as p', 'p.id', 'm.member_id')
    .select([
      'o.id',
      'o.channel',
      'o.payload',
      'o.status',
      'o.attempts',
      'o.error',
      'o.next_attempt_at',
      'o.created_at',
      'o.sent_at',
      'c.id as campaignId',
      'c.name as campaign',
      'c.trigger_kind as trigger',
      'p.number as memberNumber',
      'p.name as memberName',
    ])
    .where('o.store_id', '=', ctx.store.id);
}
async function outboxRows(ctx: AppContext, where: (query: OutboxQuery) => OutboxQuery) {
  return where(outboxBase(ctx)).execute();
}
function outboxView(row: Awaited<ReturnType<typeof outboxRows>>[number]): OutboxMessage {
  const payload = JSON.parse(row.payload) as {
    text: string;
    to?: string | null;
    touser?: string;
    subject?: string;
  };
  return {
    id: row.id,
    channel: row.channel,
    to: payload.to ?? payload.touser ?? null,
    body: payload.text,
    campaignId: row.campaignId,
    campaign: row.campaign,
    trigger: row.trigger,
    member: row.memberNumber === null ? null : { number: row.memberNumber, name: row.memberName },
    // The outbox holds only these (delivery writes sent or failed over queued, a receipt delivered or failed over sent).
    status: row.status as OutboxStatus,
    attempts: row.attempts,
    error: row.error,
    createdAt: row.created_at,
    nextAttemptAt: row.status === 'queued' ? row.next_attempt_at : null,
    sentAt: row.sent_at,
  };
}

/** The outbox's messages by status (`queued` by default; queued oldest first, the others newest first) and counts. */
export async function outbox(ctx: AppContext, status: OutboxStatus, limit: number): Promise<OutboxPage> {
  const rows = await outboxRows(ctx, (q) => {
    const mine = q.where('o.status', '=', status);
    return (
      status === 'queued'
        ? mine.orderBy('o.created_at').orderBy('o.id')
        : mine.orderBy('o.created_at', 'desc').orderBy('o.id', 'desc')
    ).limit(limit);
  });
  const counts = await ctx.storage.db
    .selectFrom('campaign_outbox')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('store_id', '=', ctx.store.id)
    .groupBy('status')
    .execute();
  const count = (name: string) => Number(counts.find((c) => c.status === name)?.n ?? 0);
  return {
    status,
    counts: {
      queued: count('queued'),
      sent: count('sent'),
      delivered: count('delivered'),
      failed: count('failed'),
    },
    nextDueAt: (await nextDueAt(ctx))?.toISOString() ?? null,
    messages: rows.map(outboxView),
  };
}

/** A member a message can go to on a channel: consented, active, with an address there. */
export interface Reachable {
  memberId: string;
  name: string;
  phone: string | null;
  code: string;
  email: string | null;
  points: number;
  tier: string;
}

const CHUNK = 500;
function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Splits members into those who can get a message on the channel and those who cannot
 * (no consent to it; or, for SMS and e-mail, no phone or address).
 */
export async function reachable(ctx: AppContext, ids: readonly string[], channel: Channel) {
  const reached: Reachable[] = [];
  let withoutConsent = 0;
  let withoutAddress = 0;
  for (const part of chunks(ids)) {
    const rows = await ctx.storage.db
      .selectFrom('members')
      .innerJoin('tiers', 'tiers.id', 'members.tier_id')
      .select([
        'members.id',
        'members.name',
        'members.phone',
        'members.code',
        'members.points',
        'members.consents',
        'tiers.name as tier',
        'members.email',
        'members.store_id',
        'members.status',
      ])
      // Only the ids here: with the store and status too, a planner without statistics may
      // walk an index of every member once per chunk instead of looking 500 up.
      .where('members.id', 'in', part)
      .execute();
    for (const row of rows) {
      if (row.store_id !== ctx.store.id || row.status !== 'active') continue;
      const consents = JSON.parse(row.consents) as Record<string, { given?: boolean } | undefined>;
      if (consents[channel]?.given !== true) {
        withoutConsent += 1;
        continue;
      }
      if ((channel === 'sms' && !row.phone) || (channel === 'email' && !row.email)) {
        withoutAddress += 1;
        continue;
      }
      reached.push({
        memberId: row.id,
        name: row.name,
        phone: row.phone,
        code: row.code,
        email: row.email ?? null,
        points: row.points,
        tier: row.tier,
      });
    }
  }
  return { reached, withoutConsent, withoutAddress };
}

/** Points expiring within `days` days and the newest usable coupon of a template, per member. */
export async function memberFigures(
  ctx: AppContext,
  ids: readonly string[],
  couponTemplateId: string | null | undefined,
  days = 30,
) {
  const now = ctx.now();
  const soon = new Date(now.getTime() + days * 86_400_000).toISOString();
  const expiring = new Map<string, number>();
  const coupons = new Map<string, string>();
  for (const part of chunks(ids)) {
    // By member and expiry (points_lots_member); `remaining > 0` is left to the loop, or the
    // partial index of open lots could be walked whole once per chunk around a clearing date.
    const lots = await ctx.storage.db
      .selectFrom('points_lots')
      .select(['member_id', 'remaining'])
      .where('member_id', 'in', part)
      .where('expires_at', '>', now.toISOString())
      .where('expires_at', '<=', soon)
      .execute();
    for (const lot of lots) {
      if (lot.remaining > 0) expiring.set(lot.member_id, (expiring.get(lot.member_id) ?? 0) + lot.remaining);
    }
    if (!couponTemplateId) continue;
    const held = await ctx.storage.db
      .selectFrom('coupons')
      .select(['member_id', 'code'])
      .where('template_id', '=', couponTemplateId)
      .where('status', '=', 'issued')
      .where('valid_to', '>', now.toISOString())
      .where('member_id', 'in', part)
      .orderBy('issued_at', 'desc')
      .execute();
    for (const coupon of held)
      if (coupon.member_id && !coupons.has(coupon.member_id)) coupons.set(coupon.member_id, coupon.code);
  }
  return { expiring, coupons };
}

export function valuesFor(
  member: Reachable,
  figures: { expiring: Map<string, number>; coupons: Map<string, string> },
  couponCode?: string,
): Record<Placeholder, string> {
  return {
    name: member.name,
    points: String(member.points),
    expiringPoints: String(figures.expiring.get(member.memberId) ?? 0),
    couponCode: couponCode ?? figures.coupons.get(member.memberId) ?? '',
    tier: member.tier,
  };
}

/** Campaign messages per member on the channel within the cap window (queued, sent or exported). */
export async function capCounts(
  ctx: AppContext,
  channel: Channel,
  settings: CampaignSettings,
  ids?: readonly string[],
): Promise<Map<string, number>> {
  const windowStart = new Date(ctx.now().getTime() - settings.capDays * 86_400_000).toISOString();
  const query = (part?: readonly string[]) => {
    let q = ctx.storage.db
      .selectFrom('campaign_messages')
      .innerJoin('campaigns', 'campaigns.id', 'campaign_messages.campaign_id')
      .select(['campaign_messages.member_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('campaigns.store_id', '=', ctx.store.id)
      .where('campaigns.channel', '=', channel)
      .where('campaign_messages.status', 'in', ['queued', 'sent', 'exported'])
      .where('campaign_messages.at', '>', windowStart)
      .groupBy('campaign_messages.member_id');
    if (part) q = q.where('campaign_messages.member_id', 'in', part);
    return q.execute();
  };
  const found = ids ? (await Promise.all(chunks(ids).map((part) => query(part)))).flat() : await query();
  return new Map(found.map((r) => [r.member_id, Number(r.n)]));
}

export type MessageStatus = 'queued' | 'exported' | 'capped';

export interface Outgoing {
  messageId: string;
  member: Reachable;
  body: string;
  status: MessageStatus;
  /** SMS through a provider: the approved template and this member's values of its variables. */
  template?: TemplateUse | undefined;
}

/** Writes the send log and, for `queued` messages, the outbox (inside the caller's transaction). */
export async function writeMessages(
  trx: Kysely<Database>,
  ctx: AppContext,
  input: {
    campaignId: string;
    channel: Channel;
    subject: string;
    at: string;
    messages: readonly Outgoing[];
  },
): Promise<void> {
  for (const batch of chunks(input.messages)) {
    await trx
      .insertInto('campaign_messages')
      .values(
        batch.map((o) => ({
          id: o.messageId,
          campaign_id: input.campaignId,
          member_id: o.member.memberId,
          body: o.body,
          status: o.status,
          error: null,
          at: input.at,
        })),
      )
      .execute();
    const queued = batch.filter((o) => o.status === 'queued');
    if (queued.length === 0) continue;
    await trx
      .insertInto('campaign_outbox')
      .values(
        queued.map((o) => ({
          id: newId(),
          store_id: ctx.store.id,
          message_id: o.messageId,
          channel: input.channel,
          payload: payloadFor(input.channel, o.member, o.body, input.subject, o.template),
          status: 'queued',
          attempts: 0,
          next_attempt_at: input.at,
          error: null,
          created_at: input.at,
          sent_at: null,
        })),
      )
      .execute();
  }
}

export interface CampaignInput {
  name: string;
  channel: Channel;
  template: string;
  definition: SegmentDefinition;
  couponTemplateId?: string | undefined;
  /** SMS through a provider: the code of the template it approved (its text is `template`). */
  templateCode?: string | undefined;
}

/** Whether a definition needs RFM scores (recency, spend, segments) to pick its members. */
const needsScores = (def: SegmentDefinition) =>
  def.rfmSegments !== undefined || def.daysSinceLastVisit !== undefined || def.spend !== undefined;

/** SMS through a provider sends approved templates only: their code is required then, and only then. */
export function checkTemplateCode(
  config: ChannelConfig | undefined,
  code: string | undefined,
): string | undefined {
  if (!config?.provider) return undefined;
  if (!code) {
    throw new ApiError('validation_failed', 'The SMS provider sends only the templates it approved.', {
      'body.templateCode': 'the code of the approved template (e.g. SMS_123456789)',
    });
  }
  return code;
}

const PREVIEW_SAMPLE = 10;

/**
 * What a 群发 would do, before it is sent: how many of the segment get it, how many are left
 * out (no consent, no number or address, over the frequency cap), the first members with their
 * message, and for SMS how many SMS that makes (签名 and 退订 line counted) and what they cost.
 */
export async function previewCampaign(
  ctx: AppContext,
  input: Omit<CampaignInput, 'name' | 'templateCode'>,
): Promise<CampaignPreview> {
  checkTemplate(input.template);
  const members = await segmentMembers(ctx, input.definition, { scores: needsScores(input.definition) });
  const { reached, withoutConsent, withoutAddress } = await reachable(
    ctx,
    members.map((m) => m.memberId),
    input.channel,
  );
  const settings = await campaignSettings(ctx);
  const counts = await capCounts(ctx, input.channel, settings);
  const going = reached.filter((m) => (counts.get(m.memberId) ?? 0) < settings.capCount);
  const figures = await memberFigures(
    ctx,
    going.map((m) => m.memberId),
    input.couponTemplateId,
  );
  const config = await channelConfig(ctx, input.channel);
  const signName = config?.provider?.signName ?? null;
  let parts = 0;
  const sample: CampaignPreview['sample'] = [];
  for (const member of going) {
    const body = render(input.template, valuesFor(member, figures));
    const text = input.channel === 'sms' ? smsText(body, signName, settings.smsOptOut) : body;
    const smsCount = input.channel === 'sms' ? smsParts(text) : 0;
    parts += smsCount;
    if (sample.length < PREVIEW_SAMPLE) sample.push({ name: member.name, text, sms: smsCount });
  }
  return {
    channel: input.channel,
    configured: config !== undefined,
    provider: config?.provider?.provider ?? null,
    segmentSize: members.length,
    recipients: going.length,
    withoutConsent,
    withoutAddress,
    capped: reached.length - going.length,
    sample,
    sms:
      input.channel === 'sms'
        ? { parts, priceFen: settings.smsPriceFen, costFen: parts * settings.smsPriceFen }
        : null,
  };
}

/**
 * Queues a campaign now: the segment's members who consented to the channel each get the
 * template filled in; into the outbox when the channel is configured (the delivery worker
 * sends them), else into the CSV for the owner to send. Every message is logged with its status.
 */
export async function sendCampaign(ctx: AppContext, input: CampaignInput, staffId: string) {
  checkTemplate(input.template);
  const now = ctx.now();
  const members = await segmentMembers(ctx, input.definition, { scores: needsScores(input.definition) });
  const ids = members.map((m) => m.memberId);
  const { reached, withoutConsent, withoutAddress } = await reachable(ctx, ids, input.channel);
  const figures = await memberFigures(
    ctx,
    reached.map((m) => m.memberId),
    input.couponTemplateId,
  );
  const config = await channelConfig(ctx, input.channel);
  const templateCode = checkTemplateCode(config, input.templateCode);
  const settings = await campaignSettings(ctx);
  const counts = await capCounts(ctx, input.channel, settings);
  const id = newId();
  const at = now.toISOString();
  const messages: Outgoing[] = reached.map((member) => {
    const values = valuesFor(member, figures);
    return {
      messageId: newId(),
      member,
      body: render(input.template, values),
      status:
        (counts.get(member.memberId) ?? 0) >= settings.capCount ? 'capped' : config ? 'queued' : 'exported',
      template: templateCode ? { templateCode, params: templateParams(input.template, values) } : undefined,
    };
  });
  const count = (status: MessageStatus) => messages.filter((m) => m.status === status).length;
  await ctx.storage.write(async (trx) => {
    await trx
      .insertInto('campaigns')
      .values({
        id,
        store_id: ctx.store.id,
        name: input.name,
        channel: input.channel,
        template: input.template,
        definition: JSON.stringify(input.definition),
        coupon_template_id: input.couponTemplateId ?? null,
        sent_at: at,
        sent_by: staffId,
        trigger_kind: null,
      })
      .execute();
    await writeMessages(trx, ctx, {
      campaignId: id,
      channel: input.channel,
      subject: input.name,
      at,
      messages,
    });
    await recordAudit(trx, ctx, {
      kind: 'campaign.sent',
      staffId,
      subjectType: 'campaign',
      subjectId: id,
      detail: {
        name: input.name,
        channel: input.channel,
        segmentSize: members.length,
        queued: count('queued'),
        exported: count('exported'),
        capped: count('capped'),
        ...(templateCode && { templateCode }),
      },
    });
  });
  const capped = count('capped');
  if (capped > 0)
    ctx.log.info(
      { campaignId: id, capped, capCount: settings.capCount, capDays: settings.capDays },
      'campaign.capped',
    );
  if (count('queued') > 0) wakeDelivery(ctx);
  return {
    id,
    name: input.name,
    channel: input.channel,
    sentAt: at,
    segmentSize: members.length,
    withoutConsent,
    withoutAddress,
    capped,
    queued: count('queued'),
    sent: 0,
    failed: 0,
    exported: count('exported'),
  };
}

/** The newest campaigns (sent by hand or by a trigger) with their messages per status. */
export async function listCampaigns(ctx: AppContext, limit: number) {
  const rows = await ctx.storage.db
    .selectFrom('campaigns')
    .select(['id', 'name', 'channel', 'sent_at', 'trigger_kind'])
    .where('store_id', '=', ctx.store.id)
    .orderBy('sent_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  const ids = rows.map((row) => row.id);
  const statuses = ids.length
    ? await ctx.storage.db
        .selectFrom('campaign_messages')
        .select(['campaign_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('campaign_id', 'in', ids)
        .groupBy(['campaign_id', 'status'])
        .execute()
    : [];
  return {
    items: rows.map((row) => {
      const mine = statuses.filter((s) => s.campaign_id === row.id);
      const n = (status: string) => Number(mine.find((s) => s.status === status)?.n ?? 0);
      return {
        id: row.id,
        name: row.name,
        channel: row.channel,
        sentAt: row.sent_at,
        trigger: row.trigger_kind,
        messages: {
          queued: n('queued'),
          sent: n('sent'),
          failed: n('failed'),
          exported: n('exported'),
          capped: n('capped'),
        },
      };
    }),
  };
}

async function campaignRow(ctx: AppContext, id: string) {
  const row = await ctx.storage.db
    .selectFrom('campaigns')
    .selectAll()
    .where('id', '=', id)
    .where('store_id', '=', ctx.store.id)
    .executeTakeFirst();
  if (!row) throw notFound('campaign', id);
  return row;
}

/** The send log of a campaign; the CSV of exported messages is what the owner sends by hand. */
export async function campaignMessages(ctx: AppContext, id: string): Promise<Report> {
  const campaign = await campaignRow(ctx, id);
  const rows = await ctx.storage.db
    .selectFrom('campaign_messages')
    .innerJoin('members', 'members.id', 'campaign_messages.member_id')
    .select([
      'members.number',
      'members.name',
      'members.phone',
      'members.email',
      'campaign_messages.body',
      'campaign_messages.status',
      'campaign_messages.error',
    ])
    .where('campaign_messages.campaign_id', '=', id)
    .orderBy('members.number')
    .execute();
  const day = campaign.sent_at.slice(0, 10);
  const email = campaign.channel === 'email';
  return {
    name: `campaign-${campaign.id}`,
    from: day,
    to: day,
    columns: [
      int('number', 'Member no.'),
      text('name', 'Name'),
      email ? text('email', 'E-mail') : text('phone', 'Phone'),
      text('body', 'Message'),
      text('status', 'Status'),
      text('error', 'Error'),
    ],
    rows: rows.map(({ email: address, phone, ...row }) => ({
      ...row,
      ...(email ? { email: address ?? '' } : { phone: phone ?? '' }),
      error: row.error ?? '',
    })),
  };
}

/** Recipients who bought within `days` days after the campaign, and what they spent (net of returns). */
export async function campaignResults(ctx: AppContext, id: string, days: number) {
  const campaign = await campaignRow(ctx, id);
  const until = new Date(Date.parse(campaign.sent_at) + days * 86_400_000).toISOString();
  const found = await sql<{ members: number; sales: number; revenue: number }>`
    select count(distinct s.member_id) as members, count(*) as sales, coalesce(sum(s.total), 0) as revenue
    from sales s
    where s.store_id = ${ctx.store.id} and s.training = 0 and s.status <> 'voided'
      and s.at > ${campaign.sent_at} and s.at <= ${until}
      and s.member_id in (select m.member_id from campaign_messages m where m.campaign_id = ${id} and m.status in ('sent', 'exported'))`.execute(
    ctx.storage.db,
  );
  const back = await sql<{ amount: number }>`
    select coalesce(sum(r.amount), 0) as amount from returns r join sales s on s.id = r.sale_id
    where r.training = 0 and s.store_id = ${ctx.store.id} and s.training = 0 and s.status <> 'voided'
      and s.at > ${campaign.sent_at} and s.at <= ${until}
      and s.member_id in (select m.member_id from campaign_messages m where m.campaign_id = ${id} and m.status in ('sent', 'exported'))`.execute(
    ctx.storage.db,
  );
  const [reached] = (
    await sql<{
      n: number;
    }>`select count(*) as n from campaign_messages where campaign_id = ${id} and status in ('sent', 'exported')`.execute(
      ctx.storage.db,
    )
  ).rows;
  const row = found.rows[0];
  const revenue = Number(row?.revenue ?? 0) - Number(back.rows[0]?.amount ?? 0);
  return {
    id,
    days,
    reached: Number(reached?.n ?? 0),
    cameBack: Number(row?.members ?? 0),
    sales: Number(row?.sales ?? 0),
    revenue,
  };
}

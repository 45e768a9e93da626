import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { AppContext } from '../../context.js';
import { ApiError, notFound } from '../../http/errors.js';
import { localHour } from './range.js';
import { type SegmentDefinition, segmentMembers } from './segments.js';
import { int, type Report, text } from './table.js';

/** Channels a campaign can use. E-mail over SMTP is not built in: its messages go to the CSV. */
export const CAMPAIGN_CHANNELS = ['sms', 'wechat', 'email'] as const;
export type CampaignChannel = (typeof CAMPAIGN_CHANNELS)[number];
export const PLACEHOLDERS = ['name', 'points', 'expiringPoints', 'couponCode'] as const;

const PLACEHOLDER = /\{\{\s*([^}\s]*)\s*\}\}/g;

/** Unknown placeholders of a template, e.g. `["nmae"]` for `{{nmae}}`. */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)]
    .map((match) => match[1] ?? '')
    .filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name));
}

export function render(template: string, values: Record<(typeof PLACEHOLDERS)[number], string>): string {
  return template.replace(PLACEHOLDER, (_all, name: keyof typeof values) => values[name] ?? '');
}

const smtpUnsupported = () =>
  new ApiError('validation_failed', 'E-mail over SMTP is not supported; e-mail campaigns export a CSV.', {
    'params.channel': 'sms or wechat',
  });

function checkTemplate(template: string) {
  const unknown = unknownPlaceholders(template);
  if (unknown.length > 0) {
    throw new ApiError('validation_failed', 'The template has a placeholder Hanger does not know.', {
      'body.template': `unknown placeholder ${unknown.map((name) => `{{${name}}}`).join(', ')}; known: ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`,
    });
  }
}

export async function setChannel(
  ctx: AppContext,
  channel: CampaignChannel,
  url: string,
  token: string | null,
) {
  if (channel === 'email') throw smtpUnsupported();
  const at = ctx.now().toISOString();
  await ctx.storage.write((trx) =>
    trx
      .insertInto('marketing_channels')
      .values({ store_id: ctx.store.id, channel, url, token, updated_at: at })
      .onConflict((oc) => oc.columns(['store_id', 'channel']).doUpdateSet({ url, token, updated_at: at }))
      .execute(),
  );
  return { channel, url, configured: true };
}

interface Recipient {
  memberId: string;
  name: string;
  phone: string | null;
  code: string;
  body: string;
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

/** One message through the channel's HTTP gateway; resolves with an error text or null. */
async function post(gateway: { url: string; token: string | null }, payload: string): Promise<string | null> {
  try {
    const reply = await fetch(gateway.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(gateway.token && { authorization: `Bearer ${gateway.token}` }),
      },
      body: payload,
      signal: AbortSignal.timeout(5000),
    });
    return reply.ok ? null : `gateway answered ${reply.status}`;
  } catch (error) {
    return error instanceof Error ? error.message : 'gateway unreachable';
  }
}

function payloadFor(
  channel: CampaignChannel,
  to: { phone: string | null; code: string; name: string },
  body: string,
) {
  return JSON.stringify(
    channel === 'sms' ? { to: to.phone, text: body } : { touser: to.code, text: body, memberName: to.name },
  );
}

/** One delivery run at a time per store, so no message is posted twice. */
const running = new WeakMap<AppContext, Promise<unknown>>();

/**
 * Sends the outbox's due messages: outside quiet hours (test sends ignore them), each queued
 * message whose next attempt is due goes to its channel's gateway; a failure is retried after
 * 1, 5, 25, … minutes until `maxAttempts`, then it is `failed`. The send log follows.
 */
export function deliver(ctx: AppContext) {
  const previous = running.get(ctx) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => deliverNow(ctx));
  running.set(ctx, run);
  return run;
}

async function deliverNow(ctx: AppContext) {
  const db = ctx.storage.db;
  const now = ctx.now();
  const settings = await campaignSettings(ctx);
  const quiet = isQuiet(now, ctx.store.timeZone, settings);
  let query = db
    .selectFrom('campaign_outbox')
    .selectAll()
    .where('store_id', '=', ctx.store.id)
    .where('status', '=', 'queued')
    .where('next_attempt_at', '<=', now.toISOString())
    .orderBy('next_attempt_at')
    .orderBy('id');
  if (quiet) query = query.where('message_id', 'is', null);
  const due = await query.execute();
  const gateways = await db
    .selectFrom('marketing_channels')
    .select(['channel', 'url', 'token'])
    .where('store_id', '=', ctx.store.id)
    .execute();
  const result = { quiet, attempted: due.length, sent: 0, retrying: 0, failed: 0 };
  for (const message of due) {
    const gateway = gateways.find((g) => g.channel === message.channel);
    const error = gateway ? await post(gateway, message.payload) : 'no gateway configured for the channel';
    const attempts = message.attempts + 1;
    const at = ctx.now();
    const status = !error ? 'sent' : attempts >= settings.maxAttempts ? 'failed' : 'queued';
    result[status === 'queued' ? 'retrying' : status] += 1;
    await ctx.storage.write(async (trx) => {
      await trx
        .updateTable('campaign_outbox')
        .set({
          status,
          attempts,
          error,
          sent_at: error ? null : at.toISOString(),
          next_attempt_at:
            status === 'queued'
              ? new Date(at.getTime() + retryDelayMs(attempts)).toISOString()
              : message.next_attempt_at,
        })
        .where('id', '=', message.id)
        .execute();
      if (message.message_id) {
        await trx
          .updateTable('campaign_messages')
          .set({ status, error })
          .where('id', '=', message.message_id)
          .execute();
      }
    });
  }
  return result;
}

/**
 * A test send to the owner's own phone (sms) or WeChat openid: through the outbox like a
 * campaign message, now even in quiet hours, never counted against a member's cap.
 */
export async function testSend(ctx: AppContext, channel: CampaignChannel, to: string, template: string) {
  checkTemplate(template);
  if (channel === 'email') throw smtpUnsupported();
  const gateway = await ctx.storage.db
    .selectFrom('marketing_channels')
    .select('url')
    .where('store_id', '=', ctx.store.id)
    .where('channel', '=', channel)
    .executeTakeFirst();
  if (!gateway) {
    throw new ApiError('validation_failed', 'The channel has no gateway; configure it first.', {
      'body.channel': `no gateway configured for ${channel}`,
    });
  }
  const body = render(template, {
    name: '店主',
    points: '100',
    expiringPoints: '20',
    couponCode: 'TEST-CODE',
  });
  const id = uuidv7();
  const at = ctx.now().toISOString();
  await ctx.storage.write((trx) =>
    trx
      .insertInto('campaign_outbox')
      .values({
        id,
        store_id: ctx.store.id,
        message_id: null,
        channel,
        payload: payloadFor(channel, { phone: to, code: to, name: '店主' }, body),
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
  return outboxEntry(ctx, id);
}

async function outboxEntry(ctx: AppContext, id: string) {
  const row = await ctx.storage.db
    .selectFrom('campaign_outbox')
    .selectAll()
    .where('id', '=', id)
    .where('store_id', '=', ctx.store.id)
    .executeTakeFirstOrThrow();
  return {
    id: row.id,
    channel: row.channel,
    body: (JSON.parse(row.payload) as { text: string }).text,
    status: row.status,
    attempts: row.attempts,
    error: row.error,
    nextAttemptAt: row.status === 'queued' ? row.next_attempt_at : null,
    sentAt: row.sent_at,
  };
}

/** The outbox's messages by status (`queued` by default), oldest first. */
export async function outbox(ctx: AppContext, status: 'queued' | 'sent' | 'failed', limit: number) {
  const rows = await ctx.storage.db
    .selectFrom('campaign_outbox')
    .select('id')
    .where('store_id', '=', ctx.store.id)
    .where('status', '=', status)
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return { status, messages: await Promise.all(rows.map((row) => outboxEntry(ctx, row.id))) };
}

export interface CampaignInput {
  name: string;
  channel: CampaignChannel;
  template: string;
  definition: SegmentDefinition;
  couponTemplateId?: string | undefined;
}

/**
 * Sends a campaign now: the segment's members who consented to the channel each get the
 * template filled in; through the channel's gateway when one is configured, else into the
 * CSV for the owner to send. Every message is logged with its status.
 */
export async function sendCampaign(ctx: AppContext, input: CampaignInput, staffId: string) {
  checkTemplate(input.template);
  const db = ctx.storage.db;
  const now = ctx.now();
  const members = await segmentMembers(ctx, input.definition);
  const ids = members.map((m) => m.memberId);
  const rows = ids.length
    ? await db
        .selectFrom('members')
        .select(['id', 'name', 'phone', 'code', 'points', 'consents'])
        .where('id', 'in', ids)
        .execute()
    : [];
  const soon = new Date(now.getTime() + 30 * 86_400_000).toISOString();
  const expiring = ids.length
    ? await db
        .selectFrom('points_lots')
        .select(['member_id', (eb) => eb.fn.sum<number>('remaining').as('points')])
        .where('member_id', 'in', ids)
        .where('remaining', '>', 0)
        .where('expires_at', '>', now.toISOString())
        .where('expires_at', '<=', soon)
        .groupBy('member_id')
        .execute()
    : [];
  const coupons =
    input.couponTemplateId && ids.length
      ? await db
          .selectFrom('coupons')
          .select(['member_id', 'code'])
          .where('template_id', '=', input.couponTemplateId)
          .where('status', '=', 'active')
          .where('member_id', 'in', ids)
          .orderBy('issued_at', 'desc')
          .execute()
      : [];
  const recipients: Recipient[] = [];
  for (const row of rows) {
    const consents = JSON.parse(row.consents) as Record<string, { given: boolean } | undefined>;
    if (consents[input.channel]?.given !== true) continue;
    recipients.push({
      memberId: row.id,
      name: row.name,
      phone: row.phone,
      code: row.code,
      body: render(input.template, {
        name: row.name,
        points: String(row.points),
        expiringPoints: String(Number(expiring.find((e) => e.member_id === row.id)?.points ?? 0)),
        couponCode: coupons.find((c) => c.member_id === row.id)?.code ?? '',
      }),
    });
  }
  const gateway =
    input.channel === 'email'
      ? undefined
      : await db
          .selectFrom('marketing_channels')
          .select(['url', 'token'])
          .where('store_id', '=', ctx.store.id)
          .where('channel', '=', input.channel)
          .executeTakeFirst();
  const settings = await campaignSettings(ctx);
  const windowStart = new Date(now.getTime() - settings.capDays * 86_400_000).toISOString();
  const recent = await db
    .selectFrom('campaign_messages')
    .innerJoin('campaigns', 'campaigns.id', 'campaign_messages.campaign_id')
    .select(['campaign_messages.member_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('campaigns.store_id', '=', ctx.store.id)
    .where('campaigns.channel', '=', input.channel)
    .where('campaign_messages.status', 'in', ['queued', 'sent', 'exported'])
    .where('campaign_messages.at', '>', windowStart)
    .groupBy('campaign_messages.member_id')
    .execute();
  const counts = new Map(recent.map((r) => [r.member_id, Number(r.n)]));
  const status = (recipient: Recipient) =>
    (counts.get(recipient.memberId) ?? 0) >= settings.capCount ? 'capped' : gateway ? 'queued' : 'exported';
  const id = uuidv7();
  const at = now.toISOString();
  const outcomes = recipients.map((recipient) => ({
    recipient,
    status: status(recipient),
    messageId: uuidv7(),
  }));
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
      })
      .execute();
    for (let i = 0; i < outcomes.length; i += 500) {
      const batch = outcomes.slice(i, i + 500);
      await trx
        .insertInto('campaign_messages')
        .values(
          batch.map((o) => ({
            id: o.messageId,
            campaign_id: id,
            member_id: o.recipient.memberId,
            body: o.recipient.body,
            status: o.status,
            error: null,
            at,
          })),
        )
        .execute();
      const queued = batch.filter((o) => o.status === 'queued');
      if (queued.length === 0) continue;
      await trx
        .insertInto('campaign_outbox')
        .values(
          queued.map((o) => ({
            id: uuidv7(),
            store_id: ctx.store.id,
            message_id: o.messageId,
            channel: input.channel,
            payload: payloadFor(input.channel, o.recipient, o.recipient.body),
            status: 'queued',
            attempts: 0,
            next_attempt_at: at,
            error: null,
            created_at: at,
            sent_at: null,
          })),
        )
        .execute();
    }
  });
  const capped = outcomes.filter((o) => o.status === 'capped').length;
  if (capped > 0)
    ctx.log.info(
      { campaignId: id, capped, capCount: settings.capCount, capDays: settings.capDays },
      'campaign.capped',
    );
  if (gateway) await deliver(ctx);
  const statuses = outcomes.length
    ? await db
        .selectFrom('campaign_messages')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('campaign_id', '=', id)
        .groupBy('status')
        .execute()
    : [];
  const count = (name: string) => Number(statuses.find((s) => s.status === name)?.n ?? 0);
  return {
    id,
    name: input.name,
    channel: input.channel,
    sentAt: at,
    segmentSize: members.length,
    withoutConsent: members.length - recipients.length,
    capped: count('capped'),
    queued: count('queued'),
    sent: count('sent'),
    failed: count('failed'),
    exported: count('exported'),
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
      'campaign_messages.body',
      'campaign_messages.status',
      'campaign_messages.error',
    ])
    .where('campaign_messages.campaign_id', '=', id)
    .orderBy('members.number')
    .execute();
  const day = campaign.sent_at.slice(0, 10);
  return {
    name: `campaign-${campaign.id}`,
    from: day,
    to: day,
    columns: [
      int('number', 'Member no.'),
      text('name', 'Name'),
      text('phone', 'Phone'),
      text('body', 'Message'),
      text('status', 'Status'),
      text('error', 'Error'),
    ],
    rows: rows.map((row) => ({ ...row, phone: row.phone ?? '', error: row.error ?? '' })),
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

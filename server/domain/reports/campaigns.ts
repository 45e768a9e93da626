import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { AppContext } from '../../context.js';
import { ApiError, notFound } from '../../http/errors.js';
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

export async function setChannel(
  ctx: AppContext,
  channel: CampaignChannel,
  url: string,
  token: string | null,
) {
  if (channel === 'email') {
    throw new ApiError(
      'validation_failed',
      'E-mail over SMTP is not supported; e-mail campaigns export a CSV.',
      {
        'params.channel': 'sms or wechat',
      },
    );
  }
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

/** One message through the channel's HTTP gateway; resolves with an error text or null. */
async function deliver(
  gateway: { url: string; token: string | null },
  channel: CampaignChannel,
  recipient: Recipient,
): Promise<string | null> {
  const payload =
    channel === 'sms'
      ? { to: recipient.phone, text: recipient.body }
      : { touser: recipient.code, text: recipient.body, memberName: recipient.name };
  try {
    const reply = await fetch(gateway.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(gateway.token && { authorization: `Bearer ${gateway.token}` }),
      },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(5000),
    });
    return reply.ok ? null : `gateway answered ${reply.status}`;
  } catch (error) {
    return error instanceof Error ? error.message : 'gateway unreachable';
  }
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
  const unknown = unknownPlaceholders(input.template);
  if (unknown.length > 0) {
    throw new ApiError('validation_failed', 'The template has a placeholder Hanger does not know.', {
      'body.template': `unknown placeholder ${unknown.map((name) => `{{${name}}}`).join(', ')}; known: ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`,
    });
  }
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
  const outcomes: { recipient: Recipient; status: string; error: string | null }[] = [];
  for (const recipient of recipients) {
    if (!gateway) {
      outcomes.push({ recipient, status: 'exported', error: null });
      continue;
    }
    const error = await deliver(gateway, input.channel, recipient);
    outcomes.push({ recipient, status: error ? 'failed' : 'sent', error });
  }
  const id = uuidv7();
  const at = now.toISOString();
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
      await trx
        .insertInto('campaign_messages')
        .values(
          outcomes.slice(i, i + 500).map((o) => ({
            id: uuidv7(),
            campaign_id: id,
            member_id: o.recipient.memberId,
            body: o.recipient.body,
            status: o.status,
            error: o.error,
            at,
          })),
        )
        .execute();
    }
  });
  const count = (status: string) => outcomes.filter((o) => o.status === status).length;
  return {
    id,
    name: input.name,
    channel: input.channel,
    sentAt: at,
    segmentSize: members.length,
    withoutConsent: members.length - recipients.length,
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
      and s.member_id in (select m.member_id from campaign_messages m where m.campaign_id = ${id} and m.status <> 'failed')`.execute(
    ctx.storage.db,
  );
  const back = await sql<{ amount: number }>`
    select coalesce(sum(r.amount), 0) as amount from returns r join sales s on s.id = r.sale_id
    where r.training = 0 and s.store_id = ${ctx.store.id} and s.training = 0 and s.status <> 'voided'
      and s.at > ${campaign.sent_at} and s.at <= ${until}
      and s.member_id in (select m.member_id from campaign_messages m where m.campaign_id = ${id} and m.status <> 'failed')`.execute(
    ctx.storage.db,
  );
  const [reached] = (
    await sql<{
      n: number;
    }>`select count(*) as n from campaign_messages where campaign_id = ${id} and status <> 'failed'`.execute(
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

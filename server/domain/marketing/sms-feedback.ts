import { timingSafeEqual } from 'node:crypto';
import type { AppContext } from '../../context.js';
import { runAction } from '../../events/action.js';
import type { Consents } from '../../protocol/members.js';
import { recordAudit } from '../audit/service.js';
import { noteMemberChanged } from '../loyalty/member-events.js';
import { recordChange } from '../members/service.js';
import { channelConfig, providerFor } from './channels.js';
import { type SmsReceipt, type SmsReply, storedPhone } from './sms-provider.js';

/**
 * What comes back from an SMS provider: delivery receipts (the outbox row becomes `delivered`,
 * or `failed` with the provider's code) and replies (TD, T, 退订 — or R, the word Alibaba's
 * marketing SMS end with — withdraw the member's SMS consent, audited). Tencent's are pulled;
 * Alibaba's receipts are asked per message, its replies are pushed to the store.
 */

/** Receipts are asked for messages sent in the last three days (providers keep them about as long). */
const RECEIPT_DAYS = 3;
const OPT_OUT = new Set(['TD', 'T', 'R', 'N', '退订', '退']);

/** Whether a reply withdraws consent: the word alone, any case, spaces and punctuation aside. */
export function isOptOut(text: string): boolean {
  return OPT_OUT.has(text.replace(/[\s。.!！,，]/g, '').toUpperCase());
}

/** Writes receipts over the outbox rows they name (only rows still `sent`); returns how many applied. */
export async function applyReceipts(ctx: AppContext, receipts: readonly SmsReceipt[]): Promise<number> {
  let applied = 0;
  for (const receipt of receipts) {
    if (!receipt.ref) continue;
    const at = ctx.now().toISOString();
    applied += await ctx.storage.write(async (trx) => {
      const row = await trx
        .selectFrom('campaign_outbox')
        .select(['id', 'message_id'])
        .where('store_id', '=', ctx.store.id)
        .where('provider_ref', '=', receipt.ref)
        .where('status', '=', 'sent')
        .executeTakeFirst();
      if (!row) return 0;
      await trx
        .updateTable('campaign_outbox')
        .set(
          receipt.delivered
            ? { status: 'delivered', delivered_at: receipt.at ?? at }
            : { status: 'failed', error: `receipt: ${receipt.code ?? 'failed'}` },
        )
        .where('id', '=', row.id)
        .execute();
      if (!receipt.delivered && row.message_id) {
        await trx
          .updateTable('campaign_messages')
          .set({ status: 'failed', error: `receipt: ${receipt.code ?? 'failed'}` })
          .where('id', '=', row.message_id)
          .execute();
      }
      return 1;
    });
  }
  return applied;
}

/** Withdraws SMS consent of the store's members with the number of each opt-out reply; returns how many. */
export async function applyReplies(ctx: AppContext, replies: readonly SmsReply[]): Promise<number> {
  let withdrawn = 0;
  for (const reply of replies) {
    if (!isOptOut(reply.text)) continue;
    const phone = storedPhone(reply.phone);
    await runAction(ctx, async (trx, outbox) => {
      const members = await trx
        .selectFrom('members')
        .select(['id', 'consents'])
        .where('store_id', '=', ctx.store.id)
        .where('phone', '=', phone)
        .where('status', '=', 'active')
        .execute();
      for (const member of members) {
        const consents = JSON.parse(member.consents) as Consents;
        if (consents.sms?.given === false) continue;
        const at = ctx.now().toISOString();
        const after: Consents = { ...consents, sms: { given: false, at } };
        await trx
          .updateTable('members')
          .set({ consents: JSON.stringify(after), updated_at: at })
          .where('id', '=', member.id)
          .execute();
        await recordChange(
          trx,
          ctx,
          member.id,
          'updated',
          { staffId: null },
          {
            consents: { from: member.consents, to: JSON.stringify(after) },
          },
        );
        await recordAudit(trx, ctx, {
          kind: 'member.consent_withdrawn',
          subjectType: 'member',
          subjectId: member.id,
          detail: { channel: 'sms', via: 'reply', reply: reply.text.slice(0, 20) },
        });
        noteMemberChanged(outbox, member.id, 'profile');
        withdrawn += 1;
      }
    });
  }
  return withdrawn;
}

/**
 * Asks the store's SMS provider for what came back and applies it. Nothing to do without a
 * provider; a provider's error is thrown to the caller (the worker logs it and tries later).
 */
export async function pullSmsFeedback(ctx: AppContext): Promise<{ receipts: number; withdrawn: number }> {
  const config = await channelConfig(ctx, 'sms');
  const provider = config && (await providerFor(ctx, config));
  if (!provider) return { receipts: 0, withdrawn: 0 };
  const since = new Date(ctx.now().getTime() - RECEIPT_DAYS * 86_400_000).toISOString();
  const pending = await ctx.storage.db
    .selectFrom('campaign_outbox')
    .select(['provider_ref', 'payload', 'sent_at'])
    .where('store_id', '=', ctx.store.id)
    .where('channel', '=', 'sms')
    .where('status', '=', 'sent')
    .where('provider_ref', 'is not', null)
    .where('sent_at', '>', since)
    .orderBy('sent_at')
    .limit(500)
    .execute();
  const receipts = await provider.receipts(
    pending.map((row) => ({
      ref: row.provider_ref ?? '',
      to: (JSON.parse(row.payload) as { to?: string }).to ?? '',
      sentAt: row.sent_at ?? since,
    })),
  );
  const applied = await applyReceipts(ctx, receipts);
  const replies = await provider.replies();
  const withdrawn = replies ? await applyReplies(ctx, replies) : 0;
  return { receipts: applied, withdrawn };
}

/** Alibaba's push of replies (上行消息): the key in its address must be the one made for the store. */
export async function pushedReplies(ctx: AppContext, key: string, replies: readonly SmsReply[]) {
  const config = await channelConfig(ctx, 'sms');
  const expected = config?.provider?.provider === 'aliyun' ? config.provider.replyKey : undefined;
  const given = Buffer.from(key);
  if (!expected || given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected))) {
    return null;
  }
  return applyReplies(ctx, replies);
}

import { randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { runAction } from '../../events/action.js';
import { newId } from '../../ids.js';
import { CHANNELS, type Consents, type MemberView } from '../../protocol/members.js';
import type { Database, MemberRow, TierRow } from '../../storage/schema.js';
import { recordAudit } from '../audit/service.js';
import { queueMember } from '../chain-link/queue.js';
import { storeDate } from '../loyalty/calendar.js';
import { issueTriggeredCoupons } from '../loyalty/coupon-issue.js';
import type { Actor } from '../loyalty/ledger-ref.js';
import { noteMemberChanged } from '../loyalty/member-events.js';
import { findReferrer, recordReferral } from '../loyalty/referrals.js';
import { entryTier, loadTiers } from '../loyalty/tiers.js';
import { hashSecret } from '../staff/secrets.js';
import { drawInviteCodes } from './invite-code.js';
import { lastFour, maskPhone } from './phone.js';
import { memberRow } from './rows.js';
import {
  type Birthday,
  bornAfter,
  type ConsentInput,
  type MemberChanges,
  type NewMember,
} from './schemas.js';
import { birthdayText, maskEmail, memberView, type ViewOptions } from './view.js';

/** A member code for cards and phones (barcode / QR): 16 random digits, hard to guess. */
export function newMemberCode(): string {
  let code = String(randomInt(1, 10));
  for (let i = 0; i < 15; i++) code += String(randomInt(10));
  return code;
}

export function consentsFrom(input: ConsentInput | undefined, before: Consents, at: string): Consents {
  if (input === undefined) return before;
  const wanted = typeof input === 'boolean' ? Object.fromEntries(CHANNELS.map((c) => [c, input])) : input;
  const after: Consents = { ...before };
  for (const channel of CHANNELS) {
    const given = wanted[channel];
    if (given === undefined || before[channel]?.given === given) continue;
    after[channel] = { given, at };
  }
  return after;
}

export async function viewOf(ctx: AppContext, rows: MemberRow[], unmasked: boolean): Promise<MemberView[]> {
  const tiers = await loadTiers(ctx.storage.db);
  const options: ViewOptions = { unmasked, now: ctx.now(), timeZone: ctx.store.timeZone };
  return rows.map((row) => memberView(row, tierOf(tiers, row), options));
}

/** One member as shown. */
export async function viewOne(ctx: AppContext, row: MemberRow, unmasked: boolean): Promise<MemberView> {
  const tiers = await loadTiers(ctx.storage.db);
  return memberView(row, tierOf(tiers, row), { unmasked, now: ctx.now(), timeZone: ctx.store.timeZone });
}

export function tierOf(tiers: readonly TierRow[], row: MemberRow): TierRow {
  return tiers.find((tier) => tier.id === row.tier_id) ?? entryTier(tiers);
}

async function phoneTaken(trx: Kysely<Database>, phone: string, except: string | null): Promise<void> {
  const taken = await trx.selectFrom('members').select('id').where('phone', '=', phone).executeTakeFirst();
  if (taken && taken.id !== except) {
    throw new ApiError('conflict', 'This phone number already belongs to a member.', {
      'body.phone': 'already registered',
    });
  }
}

async function checkReferrer(trx: Kysely<Database>, referrerId: string | null | undefined): Promise<void> {
  if (!referrerId) return;
  const found = await trx
    .selectFrom('members')
    .select('id')
    .where('id', '=', referrerId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (!found)
    throw new ApiError('validation_failed', 'No such member to be the referrer.', {
      'body.referrerId': 'unknown member',
    });
}

/** The next member number (chain-wide, from 100001). Runs inside the write, so two never clash. */
export async function nextMemberNumber(trx: Kysely<Database>): Promise<number> {
  const row = await trx
    .selectFrom('members')
    .select((eb) => eb.fn.max<number | null>('number').as('n'))
    .executeTakeFirstOrThrow();
  return (row.n ?? 100000) + 1;
}

function assertBorn(ctx: AppContext, value: Birthday | null | undefined): void {
  if (value && bornAfter(value, storeDate(ctx.now(), ctx.store.timeZone))) {
    throw new ApiError('validation_failed', 'The birthday is in the future.', {
      'body.birthday': 'in the future',
    });
  }
}

/**
 * Registers a member: at the counter (staff) or at the lookup kiosk (self sign-up). One
 * transaction. A chain store selling offline queues the sign-up for head office with it;
 * head office takes it with the store's `id`, `pinHash` and time (`ctx.now`).
 */
export async function createMember(
  ctx: AppContext,
  input: NewMember,
  actor: Actor,
  taken?: {
    id: string;
    pinHash: string | null;
    /** What the customer was given offline, kept where head office has not given it to another. */
    number?: number | undefined;
    code?: string | undefined;
    inviteCode?: string | undefined;
  },
): Promise<MemberRow> {
  assertBorn(ctx, input.birthday);
  const pinHash = taken ? taken.pinHash : input.pin ? await hashSecret(input.pin) : null;
  const at = ctx.now().toISOString();
  const id = taken?.id ?? newId();
  const offline = ctx.storage.offlineCopy;
  await runAction(ctx, async (trx, outbox) => {
    if (offline) {
      const { pin: _pin, phone, name, ...details } = input;
      await queueMember(trx, { id, phone, name, details, pinHash, actor, at });
    }
    await phoneTaken(trx, input.phone, null);
    if (input.referrerId !== undefined && input.inviteCode !== undefined) {
      throw new ApiError('validation_failed', 'Give the referrer or the invitation code, not both.', {
        'body.inviteCode': 'with referrerId',
      });
    }
    const referrer = await findReferrer(trx, input);
    const inviteCode = taken?.inviteCode ?? (await drawInviteCodes(trx, 1))[0];
    const tier = entryTier(await loadTiers(trx));
    const number = taken?.number ?? (await nextMemberNumber(trx));
    await trx
      .insertInto('members')
      .values({
        id,
        store_id: ctx.store.id,
        number,
        code: taken?.code ?? newMemberCode(),
        phone: input.phone,
        phone_last4: lastFour(input.phone),
        email: input.email ?? null,
        name: input.name,
        gender: input.gender ?? null,
        birth_year: input.birthday?.year ?? null,
        birth_month: input.birthday?.month ?? null,
        birth_day: input.birthday?.day ?? null,
        sizes: JSON.stringify(input.sizes ?? {}),
        styles: JSON.stringify(input.styles ?? []),
        tags: JSON.stringify(input.tags ?? []),
        notes: input.notes ?? '',
        consents: JSON.stringify(consentsFrom(input.consentMarketing ?? false, {}, at)),
        registered_by: actor.staffId,
        registered_device_id: actor.deviceId ?? null,
        referrer_id: referrer?.id ?? null,
        invite_code: inviteCode ?? null,
        tier_id: tier.id,
        tier_since: at,
        tier_below_since: null,
        pin_hash: pinHash,
        pin_locked_until: null,
        status: 'active',
        merged_into: null,
        created_at: at,
        updated_at: at,
      })
      .execute();
    await trx
      .insertInto('tier_changes')
      .values({
        id: newId(),
        store_id: ctx.store.id,
        member_id: id,
        at,
        from_tier_id: null,
        to_tier_id: tier.id,
        reason: 'signup',
        detail: '{}',
        ref_type: null,
        ref_id: null,
        staff_id: actor.staffId,
      })
      .execute();
    if (referrer) await recordReferral(trx, ctx, { newcomerId: id, referrer });
    await recordChange(trx, ctx, id, 'created', actor, {});
    await recordAudit(trx, ctx, {
      kind: 'member.created',
      staffId: actor.staffId,
      deviceId: actor.deviceId ?? null,
      subjectType: 'member',
      subjectId: id,
      // No phone, not even masked: the audit log is append-only, and an erasure must reach every copy.
      detail: { number, selfSignUp: actor.staffId === null },
    });
    await issueTriggeredCoupons(trx, ctx, outbox, {
      trigger: 'signup',
      memberId: id,
      issueKey: `signup:${id}`,
    });
    noteMemberChanged(outbox, id, 'created');
  });
  return memberRow(ctx.storage.db, id);
}

/** One row of a member's change history; `changes` is field → {from, to}. */
export async function recordChange(
  trx: Kysely<Database>,
  ctx: AppContext,
  memberId: string,
  kind: string,
  actor: Actor,
  changes: Record<string, unknown>,
): Promise<void> {
  await trx
    .insertInto('member_changes')
    .values({
      id: newId(),
      store_id: ctx.store.id,
      member_id: memberId,
      at: ctx.now().toISOString(),
      kind,
      staff_id: actor.staffId,
      device_id: actor.deviceId ?? null,
      changes: JSON.stringify(changes),
    })
    .execute();
}

export async function updateMember(
  ctx: AppContext,
  id: string,
  input: MemberChanges,
  actor: Actor,
): Promise<MemberRow> {
  assertBorn(ctx, input.birthday);
  await runAction(ctx, async (trx, outbox) => {
    const before = await memberRow(trx, id);
    if (before.status !== 'active') {
      throw new ApiError('business_rule', `This member is ${before.status}; it cannot be changed.`, {
        id: before.status,
      });
    }
    const at = ctx.now().toISOString();
    const after: Partial<MemberRow> = {};
    if (input.phone !== undefined && input.phone !== before.phone) {
      await phoneTaken(trx, input.phone, id);
      after.phone = input.phone;
      after.phone_last4 = lastFour(input.phone);
    }
    if (input.email !== undefined) after.email = input.email;
    if (input.name !== undefined) after.name = input.name;
    if (input.birthday !== undefined) {
      after.birth_year = input.birthday?.year ?? null;
      after.birth_month = input.birthday?.month ?? null;
      after.birth_day = input.birthday?.day ?? null;
    }
    if (input.gender !== undefined) after.gender = input.gender;
    if (input.sizes !== undefined) after.sizes = JSON.stringify(input.sizes);
    if (input.styles !== undefined) after.styles = JSON.stringify(input.styles);
    if (input.tags !== undefined) after.tags = JSON.stringify(input.tags);
    if (input.notes !== undefined) after.notes = input.notes;
    if (input.referrerId !== undefined) {
      if (input.referrerId === id)
        throw new ApiError('validation_failed', 'A member cannot refer themselves.', {
          'body.referrerId': 'self',
        });
      await checkReferrer(trx, input.referrerId);
      after.referrer_id = input.referrerId;
    }
    if (input.consentMarketing !== undefined) {
      after.consents = JSON.stringify(
        consentsFrom(input.consentMarketing, JSON.parse(before.consents) as Consents, at),
      );
    }
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const [column, value] of Object.entries(after) as [keyof MemberRow, unknown][]) {
      if (column === 'phone_last4' || before[column] === value) continue;
      changes[column] = { from: before[column], to: value };
    }
    if (input.birthday !== undefined) {
      delete changes.birth_year;
      delete changes.birth_month;
      delete changes.birth_day;
      const next = birthdayText({
        birth_year: after.birth_year ?? null,
        birth_month: after.birth_month ?? null,
        birth_day: after.birth_day ?? null,
      });
      if (next !== birthdayText(before)) changes.birthday = { from: birthdayText(before), to: next };
    }
    if (Object.keys(changes).length === 0) return;
    await trx
      .updateTable('members')
      .set({ ...after, updated_at: at })
      .where('id', '=', id)
      .execute();
    await recordChange(trx, ctx, id, 'updated', actor, changes);
    await recordAudit(trx, ctx, {
      kind: 'member.updated',
      staffId: actor.staffId,
      approverId: actor.approverId ?? null,
      deviceId: actor.deviceId ?? null,
      subjectType: 'member',
      subjectId: id,
      detail: { changed: Object.keys(changes) },
    });
    noteMemberChanged(outbox, id, 'profile');
  });
  return memberRow(ctx.storage.db, id);
}

/** The change history, newest first; phones and e-mail addresses masked unless the caller may see them. */
export async function memberHistory(ctx: AppContext, id: string, unmasked: boolean) {
  await memberRow(ctx.storage.db, id);
  const rows = await ctx.storage.db
    .selectFrom('member_changes')
    .selectAll()
    .where('member_id', '=', id)
    .orderBy('id', 'desc')
    .execute();
  return rows.map((row) => {
    const changes = JSON.parse(row.changes) as Record<string, { from: unknown; to: unknown }>;
    for (const [field, mask] of [
      ['phone', maskPhone],
      ['email', maskEmail],
    ] as const) {
      const change = changes[field];
      if (unmasked || !change) continue;
      const hide = (value: unknown) => (typeof value === 'string' ? mask(value) : value);
      changes[field] = { from: hide(change.from), to: hide(change.to) };
    }
    return { at: row.at, kind: row.kind, staffId: row.staff_id, deviceId: row.device_id, changes };
  });
}

import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { faultPoint } from '../../fault-point.js';
import type { Storage } from '../../storage/database.js';
import { recordAudit } from '../audit/service.js';
import { issuePinProof } from '../loyalty/stored-value.js';
import type { NewMember } from '../members/schemas.js';
import { createMember, newMemberCode, nextMemberNumber } from '../members/service.js';
import { takeOfflineSale } from '../sales/complete.js';
import {
  chainMemberOf,
  markHeld,
  markSent,
  nextQueued,
  type QueuedMember,
  type QueuedRow,
  type QueuedSale,
  type QueueRow,
} from './queue.js';

/**
 * Sends what the store did offline to head office, oldest first, each exactly once: a row is
 * marked sent only after head office committed it, and head office recognises a row it already
 * holds (the store stopped between the two) by its id. A row head office refuses (a coupon
 * another store used meanwhile, a price it no longer agrees to) is held for a manager and the
 * queue goes on; a fault of the link stops the sending, and the row stays queued.
 */
export async function sendQueue(ctx: AppContext, chain: Storage, local: Storage): Promise<number> {
  let sent = 0;
  for (;;) {
    const rows = await nextQueued(local.db, 100);
    if (rows.length === 0) return sent;
    for (const row of rows) {
      let result: unknown;
      try {
        result =
          row.kind === 'member'
            ? await sendMember(ctx, chain, local, row)
            : row.kind === 'row' || row.kind === 'audit'
              ? await sendRow(chain, local, row)
              : await sendSale(ctx, chain, local, row);
      } catch (error) {
        if (!(error instanceof ApiError) || error.code === 'storage_unavailable') throw error;
        ctx.log.warn(
          { kind: row.kind, id: row.ref_id, error: error.message },
          'head office refused an offline row',
        );
        await markHeld(local.db, row.seq, { why: error.message, fields: error.fields ?? {} });
        continue;
      }
      await markSent(local.db, row.seq, ctx.now().toISOString(), result);
      sent += 1;
    }
  }
}

/**
 * Head office as the row's time saw it: stock, points and reports take it dated when it was
 * made. The audit rows the store wrote for it come with the queue, so it writes none itself.
 */
function atHeadOffice(ctx: AppContext, chain: Storage, at: string): AppContext {
  return { ...ctx, storage: chain, now: () => new Date(at), auditedAtStore: true };
}

/** What completing a sale writes to the audit log (`sales/records.ts`). */
const SALE_AUDITS = new Set(['sale.completed', 'sale.price_overridden', 'sale.discount_given']);

/**
 * An offline sign-up keeps the identity the customer was given: head office takes the member
 * with the store's id, member code (the card) and invitation code, and the number too unless
 * head office gave it to someone else meanwhile (then its next one, which the till shows from
 * then on). A phone head office already has: the sign-up is recorded as merged into that
 * member, so the id and card given offline still lead to them.
 */
async function sendMember(
  ctx: AppContext,
  chain: Storage,
  local: Storage,
  row: QueueRow,
): Promise<{ memberId: string; merged: boolean; number: number }> {
  const member = JSON.parse(row.body) as QueuedMember;
  const same = await chain.db
    .selectFrom('members')
    .select(['id', 'number', 'merged_into'])
    .where('id', '=', member.id)
    .executeTakeFirst();
  if (same)
    return { memberId: same.merged_into ?? same.id, merged: same.merged_into !== null, number: same.number };
  const given = await local.db
    .selectFrom('members')
    .selectAll()
    .where('id', '=', member.id)
    .executeTakeFirst();
  const free = async (column: 'number' | 'code' | 'invite_code', value: string | number | null | undefined) =>
    value !== null &&
    value !== undefined &&
    !(await chain.db.selectFrom('members').select('id').where(column, '=', value).executeTakeFirst());
  const number = (await free('number', given?.number)) ? given?.number : undefined;
  const code = (await free('code', given?.code)) ? given?.code : undefined;
  const inviteCode = (await free('invite_code', given?.invite_code))
    ? (given?.invite_code ?? undefined)
    : undefined;
  const here = atHeadOffice(ctx, chain, member.at);
  const byPhone = await chain.db
    .selectFrom('members')
    .select(['id', 'tier_id'])
    .where('phone', '=', member.phone)
    .executeTakeFirst();
  if (byPhone) {
    const kept = await chain.write(async (trx) => {
      const kept = number ?? (await nextMemberNumber(trx));
      await trx
        .insertInto('members')
        .values({
          id: member.id,
          store_id: ctx.store.id,
          number: kept,
          code: code ?? newMemberCode(),
          phone: null,
          phone_last4: null,
          email: null,
          name: member.name,
          gender: null,
          birth_year: null,
          birth_month: null,
          birth_day: null,
          sizes: '{}',
          styles: '[]',
          tags: '[]',
          notes: '',
          consents: '{}',
          registered_by: member.actor.staffId,
          registered_device_id: member.actor.deviceId ?? null,
          referrer_id: null,
          invite_code: null,
          tier_id: byPhone.tier_id,
          tier_since: member.at,
          tier_below_since: null,
          pin_hash: null,
          pin_locked_until: null,
          status: 'merged',
          merged_into: byPhone.id,
          created_at: member.at,
          updated_at: member.at,
        })
        .execute();
      // Head office's own doing, not the store's: audited here.
      await recordAudit(
        trx,
        { ...here, auditedAtStore: false },
        {
          kind: 'member.merged',
          staffId: member.actor.staffId,
          deviceId: member.actor.deviceId ?? null,
          subjectType: 'member',
          subjectId: byPhone.id,
          detail: { sourceId: member.id, offlineSignUp: true },
        },
      );
      return kept;
    });
    return { memberId: byPhone.id, merged: true, number: kept };
  }
  const input = { ...member.details, phone: member.phone, name: member.name } as NewMember;
  const made = await createMember(here, input, member.actor, {
    id: member.id,
    pinHash: member.pinHash,
    number,
    code,
    inviteCode,
  });
  return { memberId: member.id, merged: false, number: made.number };
}

/**
 * A row an offline action wrote (a sign-in, a shift opened, cash in or out, an audit row), as the
 * local copy holds it now; head office takes it once, by its id.
 */
async function sendRow(chain: Storage, local: Storage, row: QueueRow): Promise<{ table: string }> {
  const { table } = JSON.parse(row.body) as QueuedRow;
  const now = await sql<
    Record<string, unknown>
  >`select * from ${sql.table(table)} where id = ${row.ref_id}`.execute(local.db);
  const kept = now.rows[0];
  if (!kept) return { table };
  if (table === 'audit_log') {
    if (await resentSale(chain, kept)) return { table };
    await assertKnown(chain, kept);
  }
  const columns = Object.keys(kept);
  try {
    await chain.write(async (trx) => {
      await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.id(c)))})
        values (${sql.join(columns.map((c) => sql`${kept[c] ?? null}`))})
        on conflict (id) do nothing`.execute(trx);
    });
  } catch (error) {
    // A sign-in or shift naming what head office does not hold (a till paired or staff added
    // while the store sold offline, which is not queued): held for a manager, the queue goes on.
    const pgError = error as { code?: unknown; constraint?: unknown };
    if (pgError.code !== FOREIGN_KEY_VIOLATION) throw error;
    throw new ApiError('conflict', `Head office does not hold what an offline ${table} row names.`, {
      [String(pgError.constraint ?? table)]: 'unknown at head office',
    });
  }
  return { table };
}

/** PostgreSQL's SQLSTATE for a row naming one its foreign key does not find. */
const FOREIGN_KEY_VIOLATION = '23503';

/**
 * An offline audit row of completing a sale head office already holds: the till resent, offline,
 * a sale that had reached head office before the line broke (its audit rows are queued before
 * the sale, so head office holds it only then). Head office audited that sale when it took it.
 */
async function resentSale(chain: Storage, audit: Record<string, unknown>): Promise<boolean> {
  if (audit.subject_type !== 'sale' || !SALE_AUDITS.has(String(audit.kind))) return false;
  const held = await chain.db
    .selectFrom('sales')
    .select('id')
    .where('id', '=', String(audit.subject_id))
    .executeTakeFirst();
  return held !== undefined;
}

/** Tills and staff head office was found to hold (they are revoked or disabled, never deleted). */
const knownAtHeadOffice = new WeakMap<Storage, Set<string>>();

/**
 * An offline audit row naming a till or staff member head office does not hold (paired or added
 * offline, which is not queued) is held for a manager with why, instead of stopping the queue.
 */
async function assertKnown(chain: Storage, audit: Record<string, unknown>): Promise<void> {
  const known = knownAtHeadOffice.get(chain) ?? new Set<string>();
  knownAtHeadOffice.set(chain, known);
  const named = [
    ['deviceId', 'devices', audit.device_id],
    ['staffId', 'staff', audit.staff_id],
    ['approverId', 'staff', audit.approver_id],
  ] as const;
  for (const [field, table, id] of named) {
    if (typeof id !== 'string' || known.has(id)) continue;
    const found = await chain.db.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst();
    if (found) known.add(id);
    else
      throw new ApiError(
        'conflict',
        `Head office does not know the ${field} ${id} of an offline ${String(audit.kind)} audit row.`,
        {
          [field]: 'unknown at head office',
        },
      );
  }
}

async function sendSale(
  ctx: AppContext,
  chain: Storage,
  local: Storage,
  row: QueueRow,
): Promise<{ saleId: string; number: string; replayed: boolean }> {
  const sale = JSON.parse(row.body) as QueuedSale;
  let input = sale.input;
  if (input.memberId) {
    // A member signed up offline and merged by phone: the sale is the member's head office knows.
    const memberId = (await chainMemberOf(local.db, input.memberId)) ?? input.memberId;
    input = { ...input, memberId };
  }
  const pin = sale.pinChecked && input.memberId ? issuePinProof(input.memberId, new Date(sale.at)) : null;
  const done = await takeOfflineSale(atHeadOffice(ctx, chain, sale.at), {
    input,
    staff: sale.staff,
    approvals: sale.approvals,
    pin,
    hash: sale.hash,
    offline: { number: sale.number },
  });
  // Head office has it and the queue does not know yet: a store that stops here sends it again.
  faultPoint('offline-sync.sale-taken');
  return { saleId: done.sale.id, number: done.sale.number, replayed: done.replayed };
}

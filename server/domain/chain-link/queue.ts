import { type Kysely, sql } from 'kysely';
import type { HeldRow } from '../../protocol/chain-link.js';
import type { StaffPrincipal } from '../../protocol/roles.js';
import type { SaleResult } from '../../protocol/sales.js';
import type { Database } from '../../storage/schema.js';
import type { Actor } from '../loyalty/ledger-ref.js';
import type { SaleApprovals } from '../sales/approvals.js';
import type { SaleInput } from '../sales/schemas.js';

/** A sale made offline, as head office will take it. */
export interface QueuedSale {
  input: Omit<SaleInput, 'memberPin'>;
  staff: StaffPrincipal;
  approvals: SaleApprovals;
  /** The request's hash as the till sent it: head office recognises a sale it already holds by it. */
  hash: string;
  /** The member's PIN was checked at the store. */
  pinChecked: boolean;
  number: string;
  at: string;
}

/** A member signed up offline, as head office will take (or merge by phone) them. */
export interface QueuedMember {
  id: string;
  phone: string;
  name: string;
  /** The rest of the sign-up as the store took it (`NewMember` without the PIN). */
  details: Record<string, unknown>;
  pinHash: string | null;
  actor: Actor;
  at: string;
}

/**
 * A row an offline action wrote that head office must hold as it is: this store's sign-ins
 * (a till signed in offline stays signed in), shifts opened and cash put in or paid out, and
 * every audit row written offline (queued by the local copy's trigger, `local-copy.ts`).
 * Sent as the local copy holds it then (a sign-out offline goes with it); a shift is not
 * closed offline (`still-out.ts`), so its close is made at head office.
 */
export interface QueuedRow {
  table: 'staff_sessions' | 'shifts' | 'shift_cash_entries' | 'audit_log';
}

export interface QueueRow {
  seq: number;
  /** `audit`: a `row` of the audit log, not counted among what waits (`queueCounts`). */
  kind: 'sale' | 'member' | 'row' | 'audit';
  ref_id: string;
  at: string;
  body: string;
  result: string | null;
}

/** Queues an offline sale inside its own transaction: it is queued if and only if it was made. */
export async function queueSale(
  trx: Kysely<Database>,
  work: {
    input: QueuedSale['input'];
    staff: StaffPrincipal;
    approvals: SaleApprovals;
    hash: string;
    pin: unknown;
  },
  sale: SaleResult,
): Promise<void> {
  const body: QueuedSale = {
    input: work.input,
    staff: work.staff,
    approvals: work.approvals,
    hash: work.hash,
    pinChecked: work.pin !== null,
    number: sale.number,
    at: sale.at,
  };
  await sql`insert into offline_queue (kind, ref_id, at, body) values ('sale', ${sale.id}, ${sale.at}, ${JSON.stringify(body)})`.execute(
    trx,
  );
}

/** Queues a member signed up offline, inside the sign-up's transaction. */
export async function queueMember(trx: Kysely<Database>, member: QueuedMember): Promise<void> {
  await sql`insert into offline_queue (kind, ref_id, at, body) values ('member', ${member.id}, ${member.at}, ${JSON.stringify(member)})`.execute(
    trx,
  );
}

/** Queues a row an offline action wrote (`QueuedRow`), inside the action's transaction; a no-op online. */
export async function queueRow(
  trx: Kysely<Database>,
  offline: boolean,
  table: QueuedRow['table'],
  row: { id: string; created_at?: string; opened_at?: string; at?: string },
): Promise<void> {
  if (!offline) return;
  const at = row.created_at ?? row.opened_at ?? row.at ?? new Date().toISOString();
  const body: QueuedRow = { table };
  await sql`insert into offline_queue (kind, ref_id, at, body) values ('row', ${row.id}, ${at}, ${JSON.stringify(body)})`.execute(
    trx,
  );
}

/** The next rows to send, oldest first: neither sent nor held for a manager. */
export async function nextQueued(db: Kysely<Database>, limit: number): Promise<QueueRow[]> {
  const rows = await sql<QueueRow>`select seq, kind, ref_id, at, body, result from offline_queue
    where sent_at is null and held is null order by seq limit ${limit}`.execute(db);
  return rows.rows;
}

export async function markSent(
  db: Kysely<Database>,
  seq: number,
  at: string,
  result: unknown,
): Promise<void> {
  await sql`update offline_queue set sent_at = ${at}, result = ${JSON.stringify(result)} where seq = ${seq}`.execute(
    db,
  );
}

/** Why head office refused a row, as `held` keeps it: its words and the fields it named. */
interface Refusal {
  why: string;
  fields: Record<string, string>;
}

/** Head office refused it: kept, with why, for a manager; the queue goes on without it. */
export async function markHeld(db: Kysely<Database>, seq: number, refusal: Refusal): Promise<void> {
  await sql`update offline_queue set held = ${JSON.stringify(refusal)} where seq = ${seq}`.execute(db);
}

/** `held` as written: a refusal, or (a copy from before this version) its words alone. */
function refusalOf(held: string): Refusal {
  try {
    const parsed = JSON.parse(held) as Refusal;
    if (typeof parsed.why === 'string') return { why: parsed.why, fields: parsed.fields ?? {} };
  } catch {
    // Plain words.
  }
  return { why: held, fields: {} };
}

/** The single-use coupon head office refused on an offline sale (another store used it meanwhile), if that was why. */
function refusedCoupon(sale: QueuedSale, refusal: Refusal): string | null {
  for (const field of Object.keys(refusal.fields)) {
    const index = /^couponCodes\.(\d+)$/.exec(field)?.[1];
    if (index !== undefined) return sale.input.couponCodes[Number(index)] ?? null;
    if (field === 'code') return sale.input.couponCodes[0] ?? null;
  }
  return null;
}

/** What head office made of an offline sign-up: the member it is there (merged by phone, or the same id). */
export async function chainMemberOf(db: Kysely<Database>, localId: string): Promise<string | null> {
  const row = await sql<{ result: string | null }>`select result from offline_queue
    where kind = 'member' and ref_id = ${localId} and sent_at is not null`.execute(db);
  const result = row.rows[0]?.result;
  return result ? (JSON.parse(result) as { memberId: string }).memberId : null;
}

export interface QueueCounts {
  /** Made offline, not yet at head office (their audit rows go with them, uncounted). */
  waiting: number;
  /** Head office refused them: a manager must look (`held` says why). */
  held: number;
}

export async function queueCounts(db: Kysely<Database>): Promise<QueueCounts> {
  const row = await sql<QueueCounts>`select
      coalesce(sum(case when sent_at is null and held is null and kind <> 'audit' then 1 else 0 end), 0) as waiting,
      coalesce(sum(case when held is not null then 1 else 0 end), 0) as held
    from offline_queue`.execute(db);
  return row.rows[0] ?? { waiting: 0, held: 0 };
}

/** The rows a manager must look at: what they were and why head office refused them. */
export async function heldRows(db: Kysely<Database>): Promise<HeldRow[]> {
  const rows = await sql<{ kind: string; ref_id: string; at: string; body: string; held: string }>`
    select kind, ref_id, at, body, held from offline_queue where held is not null order by seq`.execute(db);
  return rows.rows.map((row) => {
    const refusal = refusalOf(row.held);
    const sale = row.kind === 'sale' ? (JSON.parse(row.body) as QueuedSale) : null;
    return {
      kind: row.kind,
      id: row.ref_id,
      at: row.at,
      number: sale?.number ?? null,
      coupon: sale ? refusedCoupon(sale, refusal) : null,
      why: refusal.why,
    };
  });
}

/** What the member already spent offline and head office does not have yet (for the offline limit). */
export async function spentOffline(
  trx: Kysely<Database>,
  memberId: string,
): Promise<{ points: number; storedValue: number }> {
  const rows = await sql<{ body: string }>`select body from offline_queue
    where kind = 'sale' and sent_at is null`.execute(trx);
  let points = 0;
  let storedValue = 0;
  for (const row of rows.rows) {
    const sale = JSON.parse(row.body) as QueuedSale;
    if (sale.input.memberId !== memberId) continue;
    points += sale.input.redeemPoints;
    for (const payment of sale.input.payments)
      if (payment.method === 'stored_value') storedValue += payment.amount;
  }
  return { points, storedValue };
}

import { type Kysely, sql } from 'kysely';
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

export interface QueueRow {
  seq: number;
  kind: 'sale' | 'member';
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

/** Head office refused it: kept, with why, for a manager; the queue goes on without it. */
export async function markHeld(db: Kysely<Database>, seq: number, why: string): Promise<void> {
  await sql`update offline_queue set held = ${why} where seq = ${seq}`.execute(db);
}

/** What head office made of an offline sign-up: the member it is there (merged by phone, or the same id). */
export async function chainMemberOf(db: Kysely<Database>, localId: string): Promise<string | null> {
  const row = await sql<{ result: string | null }>`select result from offline_queue
    where kind = 'member' and ref_id = ${localId} and sent_at is not null`.execute(db);
  const result = row.rows[0]?.result;
  return result ? (JSON.parse(result) as { memberId: string }).memberId : null;
}

export interface QueueCounts {
  /** Made offline, not yet at head office. */
  waiting: number;
  /** Head office refused them: a manager must look (`held` says why). */
  held: number;
}

export async function queueCounts(db: Kysely<Database>): Promise<QueueCounts> {
  const row = await sql<QueueCounts>`select
      coalesce(sum(case when sent_at is null and held is null then 1 else 0 end), 0) as waiting,
      coalesce(sum(case when held is not null then 1 else 0 end), 0) as held
    from offline_queue`.execute(db);
  return row.rows[0] ?? { waiting: 0, held: 0 };
}

/** The rows a manager must look at: what they were and why head office refused them. */
export async function heldRows(
  db: Kysely<Database>,
): Promise<{ kind: string; id: string; at: string; number: string | null; why: string }[]> {
  const rows = await sql<{ kind: string; ref_id: string; at: string; body: string; held: string }>`
    select kind, ref_id, at, body, held from offline_queue where held is not null order by seq`.execute(db);
  return rows.rows.map((row) => ({
    kind: row.kind,
    id: row.ref_id,
    at: row.at,
    number: row.kind === 'sale' ? (JSON.parse(row.body) as QueuedSale).number : null,
    why: row.held,
  }));
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

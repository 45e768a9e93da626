import type { Kysely } from 'kysely';
import type { LedgerItem } from '../../protocol/members.js';
import type { Database } from '../../storage/schema.js';
import { refText } from './ledger-ref.js';

/**
 * A member's points or stored-value ledger, newest first. A stored-value row's delta and
 * balance are principal and bonus together.
 */
export async function memberLedger(
  db: Kysely<Database>,
  memberId: string,
  kind: 'points' | 'stored_value',
  limit: number,
): Promise<LedgerItem[]> {
  if (kind === 'points') {
    const rows = await db
      .selectFrom('points_movements')
      .select(['at', 'delta', 'balance', 'reason', 'ref_type', 'ref_id'])
      .where('member_id', '=', memberId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      at: r.at,
      delta: r.delta,
      balance: r.balance,
      reason: r.reason,
      ref: refText(r.ref_type, r.ref_id),
    }));
  }
  const rows = await db
    .selectFrom('stored_value_entries')
    .select([
      'at',
      'kind',
      'principal_delta',
      'bonus_delta',
      'principal_balance',
      'bonus_balance',
      'ref_type',
      'ref_id',
    ])
    .where('member_id', '=', memberId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    at: r.at,
    delta: r.principal_delta + r.bonus_delta,
    balance: r.principal_balance + r.bonus_balance,
    reason: r.kind,
    ref: refText(r.ref_type, r.ref_id),
  }));
}

import { type Kysely, sql } from 'kysely';
import type { LedgerCheck, LedgerProblem } from '../../protocol/loyalty.js';
import type { Database } from '../../storage/schema.js';

const SHOWN = 100;

/**
 * Rebuilds every cached balance from its ledger and lists each disagreement: member points
 * (= Σ movements = Σ open lots), each lot's remaining (= Σ its movements), stored principal
 * and bonus (= Σ their entries). Read-only.
 */
export async function checkLedgers(db: Kysely<Database>, now: Date): Promise<LedgerCheck> {
  const problems: LedgerProblem[] = [];
  let problemCount = 0;
  const add = (rows: LedgerProblem[]) => {
    problemCount += rows.length;
    for (const row of rows) if (problems.length < SHOWN) problems.push(row);
  };
  const num = (
    rows: { memberId: string; lotId?: string; cached: number | bigint; ledger: number | bigint }[],
    what: LedgerProblem['what'],
  ) =>
    rows.map((row) => ({
      what,
      memberId: row.memberId,
      ...(row.lotId !== undefined && { lotId: row.lotId }),
      cached: Number(row.cached),
      ledger: Number(row.ledger),
    }));

  const points = await sql<{ memberId: string; cached: number; ledger: number }>`
    select m.id as "memberId", m.points as cached, coalesce(s.total, 0) as ledger
    from members m left join (select member_id, sum(delta) as total from points_movements group by member_id) s
      on s.member_id = m.id
    where m.points <> coalesce(s.total, 0)`.execute(db);
  add(num(points.rows, 'points'));

  const lots = await sql<{ memberId: string; cached: number; ledger: number }>`
    select m.id as "memberId", m.points as cached, coalesce(s.total, 0) as ledger
    from members m left join (select member_id, sum(remaining) as total from points_lots group by member_id) s
      on s.member_id = m.id
    where m.points <> coalesce(s.total, 0)`.execute(db);
  add(num(lots.rows, 'points_lots'));

  const remaining = await sql<{ memberId: string; lotId: string; cached: number; ledger: number }>`
    select l.member_id as "memberId", l.id as "lotId", l.remaining as cached, coalesce(s.total, 0) as ledger
    from points_lots l left join (select lot_id, sum(delta) as total from points_movements group by lot_id) s
      on s.lot_id = l.id
    where l.remaining <> coalesce(s.total, 0)`.execute(db);
  add(num(remaining.rows, 'lot_remaining'));

  const stored = await sql<{
    memberId: string;
    principal: number;
    bonus: number;
    ledgerPrincipal: number;
    ledgerBonus: number;
  }>`
    select m.id as "memberId", m.stored_principal as principal, m.stored_bonus as bonus,
      coalesce(s.p, 0) as "ledgerPrincipal", coalesce(s.b, 0) as "ledgerBonus"
    from members m left join (
      select member_id, sum(principal_delta) as p, sum(bonus_delta) as b from stored_value_entries group by member_id
    ) s on s.member_id = m.id
    where m.stored_principal <> coalesce(s.p, 0) or m.stored_bonus <> coalesce(s.b, 0)`.execute(db);
  for (const row of stored.rows) {
    const found: LedgerProblem[] = [];
    if (Number(row.principal) !== Number(row.ledgerPrincipal))
      found.push({
        what: 'stored_principal',
        memberId: row.memberId,
        cached: Number(row.principal),
        ledger: Number(row.ledgerPrincipal),
      });
    if (Number(row.bonus) !== Number(row.ledgerBonus))
      found.push({
        what: 'stored_bonus',
        memberId: row.memberId,
        cached: Number(row.bonus),
        ledger: Number(row.ledgerBonus),
      });
    add(found);
  }

  const counts = await sql<{ members: number; lots: number; movements: number; entries: number }>`
    select (select count(*) from members) as members, (select count(*) from points_lots) as lots,
      (select count(*) from points_movements) as movements, (select count(*) from stored_value_entries) as entries`.execute(
    db,
  );
  const c = counts.rows[0];
  return {
    ok: problemCount === 0,
    checkedAt: now.toISOString(),
    counts: {
      members: Number(c?.members ?? 0),
      pointsLots: Number(c?.lots ?? 0),
      pointsMovements: Number(c?.movements ?? 0),
      storedValueEntries: Number(c?.entries ?? 0),
    },
    problemCount,
    problems,
  };
}

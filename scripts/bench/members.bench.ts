import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pino from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { boot } from '../../server/boot.js';
import type { AppContext } from '../../server/context.js';
import { checkLedgers } from '../../server/domain/loyalty/check.js';
import { findMembers } from '../../server/domain/members/find.js';
import { importMembers } from '../../server/domain/members/import.js';
import { viewOf } from '../../server/domain/members/service.js';
import { createLogger } from '../../server/logging.js';
import type { Benchmark } from './harness.js';
import { settingsFrom } from './harness.js';

const MEMBERS = Number(process.env.BENCH_MEMBERS) || 1_000_000;
/** Per member: 3 points lots, 5 points movements, 2 stored-value entries = 10 ledger rows. */
const LEDGER_ROWS_PER_MEMBER = 10;
const IMPORT_ROWS = 100_000;
const OWNER_PASSWORD = 'bench-owner-pass';

const print = (text: string) => process.stdout.write(`${text}\n`);
const ms = (ns: number) => (ns / 1e6).toFixed(3);
const seconds = (since: bigint) => (Number(process.hrtime.bigint() - since) / 1e9).toFixed(1);

const seededPhone = (i: number) => `138${String(i).padStart(8, '0')}`;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

function timed(into: number[], run: () => Promise<unknown>): () => Promise<void> {
  return async () => {
    const start = process.hrtime.bigint();
    await run();
    into.push(Number(process.hrtime.bigint() - start));
  };
}

function verdict(name: string, samples: number[], count: number, goalMs: number): string {
  const sorted = samples.slice(-count).sort((a, b) => a - b);
  const p99 = percentile(sorted, 0.99);
  const within = p99 / 1e6 < goalMs ? 'within goal' : 'above goal';
  return `  goal: ${name} p99 under ${goalMs} ms — measured median ${ms(percentile(sorted, 0.5))} ms, p99 ${ms(p99)} ms (${within})`;
}

/**
 * Seeds members and consistent ledgers straight into the tables on a second connection, in
 * transactions of 50,000 members: every balance equals its ledger, so the check must pass.
 */
export function seed(file: string, ctx: AppContext, members: number): void {
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const tier = db.prepare('select id from tiers where rank = 0').get() as { id: string };
  const at = '2026-01-10T02:00:00.000Z';
  const later = '2026-06-10T02:00:00.000Z';
  const expires = '2027-12-31T16:00:00.000Z';
  const store = ctx.store.id;
  const member = db.prepare(
    `insert into members (id, store_id, number, code, phone, phone_last4, name, gender, birth_year, birth_month,
      birth_day, sizes, styles, tags, notes, consents, registered_by, registered_device_id, referrer_id, tier_id,
      tier_since, tier_below_since, pin_hash, pin_failed_attempts, pin_locked_until, points, stored_principal,
      stored_bonus, points_earned_total, spend_lifetime, visits, status, merged_into, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, null, 1990, ?, 15, '{}', '[]', '[]', '', '{}', null, null, null, ?, ?, null,
      null, 0, null, 200, 30000, 5000, 350, 35000, 3, 'active', null, ?, ?)`,
  );
  const lot = db.prepare(
    `insert into points_lots (id, store_id, member_id, source, points, remaining, earned_at, expires_at, ref_type, ref_id)
     values (?, ?, ?, 'earn', ?, ?, ?, ?, 'sale', ?)`,
  );
  const movement = db.prepare(
    `insert into points_movements (id, store_id, member_id, lot_id, at, delta, balance, reason, ref_type, ref_id,
      staff_id, approver_id, note) values (?, ?, ?, ?, ?, ?, ?, ?, 'sale', ?, null, null, null)`,
  );
  const entry = db.prepare(
    `insert into stored_value_entries (id, store_id, member_id, at, kind, principal_delta, bonus_delta,
      principal_balance, bonus_balance, method, ref_type, ref_id, staff_id, approver_id, note)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, null, ?, ?, null, null, null)`,
  );
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const id = uuidv7();
      const phone = seededPhone(i);
      member.run(
        id,
        store,
        100001 + i,
        String(1e15 + i),
        phone,
        phone.slice(-4),
        `会员${i}`,
        (i % 12) + 1,
        tier.id,
        at,
        at,
        at,
      );
      const sale = uuidv7();
      const [l1, l2, l3] = [uuidv7(), uuidv7(), uuidv7()];
      lot.run(l1, store, id, 100, 0, at, expires, sale);
      lot.run(l2, store, id, 200, 150, at, expires, sale);
      lot.run(l3, store, id, 50, 50, later, expires, sale);
      movement.run(uuidv7(), store, id, l1, at, 100, 100, 'earn', sale);
      movement.run(uuidv7(), store, id, l2, at, 200, 300, 'earn', sale);
      movement.run(uuidv7(), store, id, l3, later, 50, 350, 'earn', sale);
      movement.run(uuidv7(), store, id, l1, later, -100, 250, 'redeem', sale);
      movement.run(uuidv7(), store, id, l2, later, -50, 200, 'redeem', sale);
      entry.run(uuidv7(), store, id, at, 'topup', 50000, 5000, 50000, 5000, 'topup', uuidv7());
      entry.run(uuidv7(), store, id, later, 'spend', -20000, 0, 30000, 5000, 'sale', sale);
    }
  });
  for (let from = 0; from < members; from += 50_000) batch(from, Math.min(members, from + 50_000));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

function importFile(rows: number): Buffer {
  const lines = ['phone,name,gender,birthday,tier,points,principal,bonus,tags'];
  for (let i = 0; i < rows; i++) {
    lines.push(
      `159${String(i).padStart(8, '0')},导入会员${i},${i % 2 ? '女' : '男'},1988-0${(i % 9) + 1}-1${i % 10},${i % 3 ? '普通' : '银卡'},${i % 500},${i % 1000}.50,${i % 100},VIP;老客`,
    );
  }
  return Buffer.from(lines.join('\n'));
}

/**
 * Members and loyalty at chain size: 1,000,000 members with 10,000,000 ledger rows. Times,
 * server-side (the domain service, no HTTP), lookup by full phone and the last-four search,
 * against a bare prepared SQLite read by phone; once per run, an import of 100,000 members
 * (CSV, with opening points and stored value, one transaction) and the ledger check over everything.
 */
export const membersChain: Benchmark = {
  name: 'members/chain',
  summary: `phone lookup and last-four search over ${MEMBERS} members / ${MEMBERS * LEDGER_ROWS_PER_MEMBER} ledger rows`,
  async setup() {
    const dataDir = mkdtempSync(join(tmpdir(), 'hanger-bench-members-'));
    const destination = pino.destination({ dest: '/dev/null', sync: true });
    const { ctx } = await boot({
      dataDir,
      log: createLogger(destination, 'info'),
      env: { HANGER_OWNER_PASSWORD: OWNER_PASSWORD },
    });
    const file = join(dataDir, 'hanger.db');
    const cleanUp = async () => {
      await ctx.storage.close();
      destination.end();
      rmSync(dataDir, { recursive: true, force: true });
    };
    try {
      let start = process.hrtime.bigint();
      seed(file, ctx, MEMBERS);
      print(
        `  seeded ${MEMBERS} members and ${MEMBERS * LEDGER_ROWS_PER_MEMBER} ledger rows in ${seconds(start)} s`,
      );

      const owner = await ctx.storage.db.selectFrom('staff').select('id').executeTakeFirstOrThrow();
      start = process.hrtime.bigint();
      const imported = await importMembers(ctx, importFile(IMPORT_ROWS), false, { staffId: owner.id });
      const importMs = Number(process.hrtime.bigint() - start) / 1e6;
      if (imported.imported !== IMPORT_ROWS)
        throw new Error(`import: ${JSON.stringify(imported.errors.slice(0, 3))}`);
      const importLine = `  goal: import of ${IMPORT_ROWS} members (CSV, opening points and stored value, validated, one transaction) under 30 s — measured ${(importMs / 1000).toFixed(2)} s (${importMs < 30_000 ? 'within goal' : 'above goal'})`;

      start = process.hrtime.bigint();
      const check = await checkLedgers(ctx.storage.db, new Date());
      const checkMs = Number(process.hrtime.bigint() - start) / 1e6;
      const { counts } = check;
      const ledgerRows = counts.pointsLots + counts.pointsMovements + counts.storedValueEntries;
      const checkLine = `  goal: ledger check over ${counts.members} members / ${ledgerRows} ledger rows under 60 s — measured ${(checkMs / 1000).toFixed(2)} s, ${check.problemCount} problems (${checkMs < 60_000 ? 'within goal' : 'above goal'})`;

      const raw = new BetterSqlite3(file, { readonly: true });
      const floor = raw.prepare('select id from members where phone = ?');
      let i = 0;
      const nextPhone = () => {
        i = (i + 7919) % MEMBERS;
        return seededPhone(i);
      };
      let j = 0;
      const nextLast4 = () => {
        j = (j + 37) % 10_000;
        return String(j).padStart(4, '0');
      };
      const phones: number[] = [];
      const last4s: number[] = [];
      const sample = await findMembers(ctx.storage.db, { last4: '0042', limit: 20 });
      if (sample.length !== 20) throw new Error(`last-four search found ${sample.length}, expected 20`);
      return {
        cases: [
          { name: 'bare SQLite read by phone', run: async () => void floor.get(nextPhone()) },
          {
            name: 'lookup by phone (service + view)',
            run: timed(phones, async () =>
              viewOf(ctx, await findMembers(ctx.storage.db, { phone: nextPhone(), limit: 20 }), false),
            ),
          },
          {
            name: 'last-four search, 20 masked (service + view)',
            run: timed(last4s, async () =>
              viewOf(ctx, await findMembers(ctx.storage.db, { last4: nextLast4(), limit: 20 }), false),
            ),
          },
        ],
        async close() {
          const { samples } = settingsFrom(process.argv.slice(2), process.env);
          print(verdict('lookup by phone, server-side', phones, samples, 2));
          print(verdict('last-four search, server-side', last4s, samples, 20));
          print(importLine);
          print(checkLine);
          raw.close();
          await cleanUp();
        },
      };
    } catch (error) {
      await cleanUp();
      throw error;
    }
  },
};

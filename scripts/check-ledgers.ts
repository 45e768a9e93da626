/**
 * `npm run check-ledgers`: rebuilds every member's points and stored-value balances from the
 * ledgers in the database under HANGER_DATA (default ./data) and lists each disagreement.
 * Exit code 0 when all agree, 1 when not, 2 when the database cannot be read.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkLedgers } from '../server/domain/loyalty/check.js';
import { checkGiftStock } from '../server/domain/loyalty/gifts.js';
import { openSqlite } from '../server/storage/database.js';

const dataDir = resolve(process.env.HANGER_DATA ?? './data');
const configFile = join(dataDir, 'config.json');
const config = existsSync(configFile)
  ? (JSON.parse(readFileSync(configFile, 'utf8')) as { database?: { file?: string } })
  : {};
const file = join(dataDir, config.database?.file ?? 'hanger.db');
if (!existsSync(file)) {
  console.error(`No database at ${file}. Set HANGER_DATA to the data folder.`);
  process.exit(2);
}
const storage = openSqlite(file);
const started = performance.now();
const result = await checkLedgers(storage.db, new Date());
// A database from before the gift catalogue (migration 5) has no gift stock to check.
const gifts = await checkGiftStock(storage.db).catch(() => ({ checked: 0, mismatches: [] }));
await storage.close();
const seconds = ((performance.now() - started) / 1000).toFixed(1);
const { counts } = result;
console.log(
  `Checked ${counts.members} members, ${counts.pointsLots} points lots, ${counts.pointsMovements} points movements, ` +
    `${counts.storedValueEntries} stored-value entries, ${gifts.checked} gifts' stock in ${seconds} s.`,
);
for (const g of gifts.mismatches) {
  console.log(`  gift stock ${g.giftId}: cached ${g.cached}, ledger ${g.ledger}`);
  process.exitCode = 1;
}
if (result.ok) {
  if (gifts.mismatches.length === 0) console.log('Every balance equals the sum of its ledger.');
} else {
  console.log(`${result.problemCount} balance(s) disagree with their ledger:`);
  for (const p of result.problems) {
    console.log(
      `  ${p.what} member ${p.memberId}${p.lotId ? ` lot ${p.lotId}` : ''}: cached ${p.cached}, ledger ${p.ledger}`,
    );
  }
  process.exitCode = 1;
}

/**
 * `npm run check`: rebuilds every cached figure from its ledger in the database under
 * HANGER_DATA (default ./data), or HANGER_DATABASE_URL's PostgreSQL, — members' points (total and per lot) and stored value
 * (principal and bonus), and every SKU's on-hand in every store — and prints each
 * difference. Exit code 0 when all agree, 1 when any differs, 2 when the database cannot be read.
 */
import { checkStockLedger } from '../server/domain/inventory/check.js';
import { checkLedgers } from '../server/domain/loyalty/check.js';
import { openStoreDatabase } from './data-folder.js';

const opened = await openStoreDatabase().catch((error: Error) => {
  console.error(error.message);
  return null;
});
if (!opened) process.exit(2);
const { storage } = opened;
const started = performance.now();
const members = await checkLedgers(storage.db, new Date());
const stock = await checkStockLedger(storage.db);
await storage.close();
const seconds = ((performance.now() - started) / 1000).toFixed(1);
const { counts } = members;
console.log(
  `Checked ${counts.members} members (${counts.pointsLots} points lots, ${counts.pointsMovements} points movements, ` +
    `${counts.storedValueEntries} stored-value entries) and ${stock.checked} on-hand figures in ${seconds} s.`,
);
for (const p of members.problems) {
  console.log(
    `  DIFFERS ${p.what} member ${p.memberId}${p.lotId ? ` lot ${p.lotId}` : ''}: cached ${p.cached}, ledger ${p.ledger}`,
  );
}
if (members.problemCount > members.problems.length) {
  console.log(`  … and ${members.problemCount - members.problems.length} more member balance(s).`);
}
for (const m of stock.mismatches) {
  console.log(`  DIFFERS on_hand sku ${m.skuId} store ${m.storeId}: cached ${m.cached}, ledger ${m.ledger}`);
}
const problems = members.problemCount + stock.mismatches.length;
if (problems === 0) {
  console.log('Every balance and on-hand figure equals the sum of its ledger.');
} else {
  console.log(`${problems} figure(s) disagree with their ledger.`);
  process.exitCode = 1;
}

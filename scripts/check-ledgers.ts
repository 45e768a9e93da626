/**
 * `npm run check-ledgers`: rebuilds every member's points and stored-value balances from the
 * ledgers in the database under HANGER_DATA (default ./data), or HANGER_DATABASE_URL's PostgreSQL, and lists each disagreement.
 * Exit code 0 when all agree, 1 when not, 2 when the database cannot be read.
 */
import { checkLedgers } from '../server/domain/loyalty/check.js';
import { checkGiftStock } from '../server/domain/loyalty/gifts.js';
import { openStoreDatabase } from './data-folder.js';

const opened = await openStoreDatabase().catch((error: Error) => {
  console.error(error.message);
  return null;
});
if (!opened) process.exit(2);
const { storage } = opened;
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

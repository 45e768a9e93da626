import { randomFillSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

/** Random bytes for 256 ids, filled again when used up. */
const pool = new Uint8Array(16 * 256);
let used = pool.length;
/** The last id's time and counter: ids made within one millisecond still sort in order. */
let lastMs = Number.NEGATIVE_INFINITY;
let seq = 0;

/**
 * A new row id: a UUIDv7, time-ordered, so new rows land at the end of their key's index and ids
 * made one after the other sort in that order (as `uuid`'s own `v7()` keeps them). The random
 * bytes come from a pool: `v7()` asks `crypto.getRandomValues` for 16 bytes per id, which took
 * ~24 µs a call on the shop's machine, and a sale makes some 25 ids.
 */
export function newId(): string {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const random = pool.subarray(used, used + 16);
  used += 16;
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    seq =
      (((random[6] as number) & 0x7f) << 24) |
      ((random[7] as number) << 16) |
      ((random[8] as number) << 8) |
      (random[9] as number);
  } else {
    seq = (seq + 1) | 0;
    if (seq === 0) lastMs++;
  }
  return uuidv7({ random, msecs: lastMs, seq });
}

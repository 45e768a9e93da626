import type { Kysely } from 'kysely';
import { ApiError } from '../../errors.js';
import type { Principal } from '../../protocol/roles.js';
import type { Database } from '../../storage/schema.js';
import { loadSettings } from './settings.js';

/**
 * A chain's balances are the chain's: a store's staff adjust a member's points or refund their
 * stored value up to the limits head office set (`storeLimits`); beyond, head office does it.
 * Head office's staff, and everyone in a shop on its own, have no such limit.
 */
export async function assertWithinStoreLimit(
  db: Kysely<Database>,
  principal: Principal | null,
  what: 'pointsAdjust' | 'storedValueRefund',
  amount: number,
  field: string,
): Promise<void> {
  if (principal?.kind !== 'staff' || principal.headOffice) return;
  const limit = (await loadSettings(db)).storeLimits[what];
  if (Math.abs(amount) <= limit) return;
  throw new ApiError('forbidden', `Beyond ${limit} a store does not do this alone: head office does.`, {
    [field]: `at most ${limit} at a store; more is head office's`,
  });
}

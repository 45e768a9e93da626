import type { Kysely } from 'kysely';
import { ApiError } from '../../errors.js';
import type { Database } from '../../storage/schema.js';
import { loadSettings } from '../loyalty/settings.js';
import type { SaleInput } from '../sales/schemas.js';
import { spentOffline } from './queue.js';

/**
 * Offline, a member's points and stored value may be spent at another store at the same moment,
 * and nobody could know: refused, unless the owner set a per-member limit (loyalty setting
 * `offline`) and so accepted that risk up to it. Counted over everything this store sold the
 * member offline that head office does not have yet.
 */
export async function assertOfflineSpend(trx: Kysely<Database>, input: SaleInput): Promise<void> {
  const storedValue = input.payments
    .filter((payment) => payment.method === 'stored_value')
    .reduce((sum, payment) => sum + payment.amount, 0);
  if (input.redeemPoints === 0 && storedValue === 0) return;
  const limits = (await loadSettings(trx)).offline;
  const before = input.memberId ? await spentOffline(trx, input.memberId) : { points: 0, storedValue: 0 };
  if (input.redeemPoints > 0 && before.points + input.redeemPoints > limits.pointsPerMember) {
    const left = Math.max(0, limits.pointsPerMember - before.points);
    throw new ApiError(
      'business_rule',
      `Head office cannot be reached: points cannot be spent offline${left > 0 ? ` beyond ${left} more` : ''}.`,
      { redeemPoints: left > 0 ? `offline: at most ${left}` : 'offline: not allowed' },
    );
  }
  if (storedValue > 0 && before.storedValue + storedValue > limits.storedValuePerMember) {
    const left = Math.max(0, limits.storedValuePerMember - before.storedValue);
    const index = input.payments.findIndex((payment) => payment.method === 'stored_value');
    throw new ApiError(
      'business_rule',
      `Head office cannot be reached: stored value cannot pay offline${left > 0 ? ` beyond ${left} fen more` : ''}.`,
      { [`payments.${index}`]: left > 0 ? `offline: at most ${left} fen` : 'offline: not allowed' },
    );
  }
}

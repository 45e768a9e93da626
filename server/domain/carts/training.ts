import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.js';
import type { CartBody } from './service.js';

/**
 * Whether a till is in training mode: its active cart says so (the F8 switch). Returns and
 * exchanges made on such a till are practice whatever their body says, so a screen that forgot
 * the flag cannot move real stock or money. Not on a till (`null`): no.
 */
export async function tillInTraining(db: Kysely<Database>, terminalId: string | null): Promise<boolean> {
  if (!terminalId) return false;
  const cart = await db
    .selectFrom('carts')
    .select('body')
    .where('terminal_id', '=', terminalId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return cart ? (JSON.parse(cart.body) as CartBody).training : false;
}

import type { Kysely } from 'kysely';
import type { TransferLineState, TransferState } from '../../protocol/inventory.js';
import type { Database } from '../../storage/schema.js';

/**
 * The `reason` of the transfer-in document that closed a transfer: the one that brought the
 * last unit, or the one the receiver said was the last (the rest is then missing).
 */
export const CLOSES_TRANSFER = 'transfer closed';

/**
 * The state of transfer `transferId` (the sender's transfer-out document), or null when it is
 * none or went to a store outside this database (a single shop's transfers are not tracked).
 */
export async function transferState(db: Kysely<Database>, transferId: string): Promise<TransferState | null> {
  const sent = await db
    .selectFrom('stock_documents as d')
    .innerJoin('stores as st', 'st.id', 'd.store_id')
    .select(['d.id', 'st.code', 'd.counterpart'])
    .where('d.id', '=', transferId)
    .where('d.kind', '=', 'transfer_out')
    .executeTakeFirst();
  if (!sent?.counterpart) return null;
  const to = await db
    .selectFrom('stores')
    .select('id')
    .where('code', '=', sent.counterpart)
    .executeTakeFirst();
  if (!to) return null;
  const receipts = await db
    .selectFrom('stock_documents')
    .select(['id', 'reason'])
    .where('store_id', '=', to.id)
    .where('kind', '=', 'transfer_in')
    .where('external_ref', '=', transferId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  const moves = await db
    .selectFrom('stock_movements')
    .select(['ref_id', 'sku_id', 'delta'])
    .where('ref_id', 'in', [transferId, ...receipts.map((r) => r.id)])
    .orderBy('id')
    .execute();
  const lines = new Map<string, TransferLineState>();
  const line = (skuId: string) => {
    const found = lines.get(skuId) ?? { skuId, sent: 0, received: 0, missing: 0 };
    lines.set(skuId, found);
    return found;
  };
  for (const move of moves) {
    if (move.ref_id === transferId) line(move.sku_id).sent -= move.delta;
    else line(move.sku_id).received += move.delta;
  }
  for (const l of lines.values()) l.missing = l.sent - l.received;
  const allIn = [...lines.values()].every((l) => l.missing === 0);
  const closed = receipts.some((r) => r.reason === CLOSES_TRANSFER);
  return {
    id: transferId,
    from: sent.code,
    to: sent.counterpart,
    status: allIn ? 'received' : closed ? 'closed_short' : 'in_transit',
    lines: [...lines.values()],
    receipts: receipts.map((r) => r.id),
  };
}

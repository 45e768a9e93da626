import type { AppContext } from '../../context.js';
import type { ChainTransfer, TransferState } from '../../protocol/inventory.js';
import { documentLines } from './documents.js';
import { transferState } from './transfer-state.js';

/** How many transfers the list shows, newest first: a store's recent ones, not its whole history. */
const SHOWN = 200;

/**
 * Chain mode: the transfers this store sent or another store sent here, newest first, each
 * with what came and what is missing — in transit, received, or closed short (the
 * discrepancy head office follows up). A single shop's transfers are not tracked: none.
 */
export async function listTransfers(
  ctx: AppContext,
  status: TransferState['status'] | undefined,
): Promise<ChainTransfer[]> {
  const db = ctx.storage.db;
  const sent = await db
    .selectFrom('stock_documents as d')
    .select(['d.id', 'd.at', 'd.note'])
    .where('d.kind', '=', 'transfer_out')
    .where((eb) => eb.or([eb('d.store_id', '=', ctx.store.id), eb('d.counterpart', '=', ctx.store.code)]))
    .orderBy('d.at', 'desc')
    .orderBy('d.id', 'desc')
    .limit(SHOWN)
    .execute();
  const transfers: ChainTransfer[] = [];
  for (const doc of sent) {
    const state = await transferState(db, doc.id);
    if (!state || (status && state.status !== status)) continue;
    const counts = new Map(state.lines.map((line) => [line.skuId, line]));
    const lines = (await documentLines(db, doc.id)).map(
      ({ skuId, barcode, styleCode, name, color, size }) => {
        const { sent, received, missing } = counts.get(skuId) ?? { sent: 0, received: 0, missing: 0 };
        return { skuId, barcode, styleCode, name, color, size, sent, received, missing };
      },
    );
    transfers.push({
      id: doc.id,
      from: state.from,
      to: state.to,
      at: doc.at,
      note: doc.note,
      status: state.status,
      lines,
      receipts: state.receipts,
    });
  }
  return transfers;
}

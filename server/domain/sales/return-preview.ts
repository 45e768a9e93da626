import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { Outbox } from '../../events/outbox.js';
import type { StaffPrincipal } from '../../protocol/roles.js';
import type { ReturnPreview } from '../../protocol/sales.js';
import { may } from '../staff/permissions.js';
import { lateBy, replayReturn, returnHash, type WrittenReturn, writeReturn } from './returns.js';
import type { ReturnInput } from './schemas.js';

/** Thrown out of the preview's transaction so that it rolls back, carrying what was worked out. */
class PreviewDone extends Error {
  constructor(readonly written: WrittenReturn) {
    super('return preview rolled back');
  }
}

/**
 * `POST /api/sales/:id/returns/preview`: the return with this very body, written by
 * `writeReturn` inside a transaction that is then rolled back, so the preview is what the
 * return does (no second copy of its sums) and nothing is kept: no ledger row, no number, no
 * event (the outbox drops what a rolled-back transaction added). Money beyond the tenders is
 * reported rather than refused, with what this staff member would need a manager for.
 */
export async function previewReturn(
  ctx: AppContext,
  staff: StaffPrincipal,
  saleId: string,
  input: ReturnInput,
): Promise<ReturnPreview> {
  const hash = returnHash(saleId, input);
  if (await replayReturn(ctx.storage.db, ctx, input.id, hash)) {
    throw new ApiError('conflict', 'This return was made already; nothing is left to preview.', {
      id: 'already used',
    });
  }
  const late = (await lateBy(ctx, saleId)) !== null;
  let written: WrittenReturn;
  try {
    await ctx.storage.write(async (trx) => {
      throw new PreviewDone(
        await writeReturn(trx, ctx, new Outbox(), {
          returnId: input.id,
          saleId,
          lines: input.lines,
          refund: input.refund,
          staff,
          approverId: null,
          hash,
          reason: input.reason,
          preview: true,
        }),
      );
    });
    throw new Error('the preview transaction committed');
  } catch (error) {
    if (!(error instanceof PreviewDone)) throw error;
    written = error.written;
  }
  const { id: _id, number: _number, at: _at, approverId: _approver, ...result } = written.result;
  const alone = may(staff.role, 'sale.refund');
  return {
    ...result,
    tenders: written.tenders,
    beyondTenders: written.beyond,
    approvalNeeded: [
      ...(late && !alone ? (['late'] as const) : []),
      ...(written.beyond.length > 0 && !alone ? (['beyond_tenders'] as const) : []),
    ],
  };
}

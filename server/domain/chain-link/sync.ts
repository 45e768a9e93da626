import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { faultPoint } from '../../fault-point.js';
import type { Storage } from '../../storage/database.js';
import { issuePinProof } from '../loyalty/stored-value.js';
import type { NewMember } from '../members/schemas.js';
import { createMember } from '../members/service.js';
import { takeOfflineSale } from '../sales/complete.js';
import {
  chainMemberOf,
  markHeld,
  markSent,
  nextQueued,
  type QueuedMember,
  type QueuedSale,
  type QueueRow,
} from './queue.js';

/**
 * Sends what the store did offline to head office, oldest first, each exactly once: a row is
 * marked sent only after head office committed it, and head office recognises a row it already
 * holds (the store stopped between the two) by its id. A row head office refuses (a coupon
 * another store used meanwhile, a price it no longer agrees to) is held for a manager and the
 * queue goes on; a fault of the link stops the sending, and the row stays queued.
 */
export async function sendQueue(ctx: AppContext, chain: Storage, local: Storage): Promise<number> {
  let sent = 0;
  for (;;) {
    const rows = await nextQueued(local.db, 100);
    if (rows.length === 0) return sent;
    for (const row of rows) {
      let result: unknown;
      try {
        result =
          row.kind === 'member' ? await sendMember(ctx, chain, row) : await sendSale(ctx, chain, local, row);
      } catch (error) {
        if (!(error instanceof ApiError) || error.code === 'storage_unavailable') throw error;
        ctx.log.warn(
          { kind: row.kind, id: row.ref_id, error: error.message },
          'head office refused an offline row',
        );
        await markHeld(local.db, row.seq, error.message);
        continue;
      }
      await markSent(local.db, row.seq, ctx.now().toISOString(), result);
      sent += 1;
    }
  }
}

/** Head office as the row's time saw it: stock, points and reports take it dated when it was made. */
function atHeadOffice(ctx: AppContext, chain: Storage, at: string): AppContext {
  return { ...ctx, storage: chain, now: () => new Date(at) };
}

/** An offline sign-up: the member head office already has with that phone, or a new one with the store's id. */
async function sendMember(
  ctx: AppContext,
  chain: Storage,
  row: QueueRow,
): Promise<{ memberId: string; merged: boolean }> {
  const member = JSON.parse(row.body) as QueuedMember;
  const same = await chain.db
    .selectFrom('members')
    .select('id')
    .where('id', '=', member.id)
    .executeTakeFirst();
  if (same) return { memberId: same.id, merged: false };
  const byPhone = await chain.db
    .selectFrom('members')
    .select('id')
    .where('phone', '=', member.phone)
    .executeTakeFirst();
  if (byPhone) return { memberId: byPhone.id, merged: true };
  const input = { ...member.details, phone: member.phone, name: member.name } as NewMember;
  await createMember(atHeadOffice(ctx, chain, member.at), input, member.actor, {
    id: member.id,
    pinHash: member.pinHash,
  });
  return { memberId: member.id, merged: false };
}

async function sendSale(
  ctx: AppContext,
  chain: Storage,
  local: Storage,
  row: QueueRow,
): Promise<{ saleId: string; number: string; replayed: boolean }> {
  const sale = JSON.parse(row.body) as QueuedSale;
  let input = sale.input;
  if (input.memberId) {
    // A member signed up offline and merged by phone: the sale is the member's head office knows.
    const memberId = (await chainMemberOf(local.db, input.memberId)) ?? input.memberId;
    input = { ...input, memberId };
  }
  const pin = sale.pinChecked && input.memberId ? issuePinProof(input.memberId, new Date(sale.at)) : null;
  const done = await takeOfflineSale(atHeadOffice(ctx, chain, sale.at), {
    input,
    staff: sale.staff,
    approvals: sale.approvals,
    pin,
    hash: sale.hash,
    offline: { number: sale.number },
  });
  // Head office has it and the queue does not know yet: a store that stops here sends it again.
  faultPoint('offline-sync.sale-taken');
  return { saleId: done.sale.id, number: done.sale.number, replayed: done.replayed };
}

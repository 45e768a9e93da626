import { z } from 'zod';
import { isTimeZone } from '../../config/schema.js';
import { updateConfigFile } from '../../config/update.js';
import type { AppContext } from '../../context.js';
import type { StoreIdentity } from '../../protocol/store.js';
import { previousValues } from '../audit/changes.js';
import { recordAudit } from '../audit/service.js';

/** The store's name and time zone; its code and currency stay config.json's (they key the data). */
export const storeIdentityBody = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, 'required')
    .max(80, 'at most 80 characters')
    .regex(/^[^\p{Cc}]*$/u, 'one line, no control characters'),
  timeZone: z.string().max(64).refine(isTimeZone, 'not a known time zone, such as Asia/Shanghai'),
});

export function storeIdentity(ctx: AppContext): StoreIdentity {
  const { code, name, timeZone, currency } = ctx.store;
  return { code, name, timeZone, currency };
}

/**
 * Renames the store or moves its clock. config.json keeps them (start-up reads them from
 * there) as does the store's row; then and the running server's own view change, so the next
 * receipt, report day and points expiry use them without a restart.
 */
export async function saveStoreIdentity(
  ctx: AppContext,
  body: z.infer<typeof storeIdentityBody>,
  staffId: string | null,
): Promise<StoreIdentity> {
  const before = storeIdentity(ctx);
  await ctx.storage.write(async (trx) => {
    await trx
      .updateTable('stores')
      .set({ name: body.name, time_zone: body.timeZone })
      .where('id', '=', ctx.store.id)
      .execute();
    await recordAudit(trx, ctx, {
      kind: 'store.identity_changed',
      staffId,
      subjectType: 'store',
      subjectId: ctx.store.id,
      detail: { ...body, was: previousValues(before, body) },
    });
    // Last inside the transaction: a file that cannot be written rolls the row and audit back.
    await updateConfigFile(ctx.dataDir, (file) => ({
      ...file,
      store: { ...(file.store as object | undefined), name: body.name },
      timeZone: body.timeZone,
    }));
  });
  ctx.store.name = body.name;
  ctx.store.timeZone = body.timeZone;
  ctx.config.store.name = body.name;
  ctx.config.timeZone = body.timeZone;
  return storeIdentity(ctx);
}

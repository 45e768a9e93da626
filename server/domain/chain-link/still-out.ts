import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';

/**
 * A chain store's figures lack what it sold offline until head office has it: a shift is
 * closed, and its cash counted against head office's figures, only once nothing is still out.
 */
export async function assertNothingOut(ctx: AppContext): Promise<void> {
  const status = await ctx.link?.status();
  if (!status || (status.mode === 'online' && status.waiting === 0)) return;
  const waiting = status.waiting;
  throw new ApiError(
    'conflict',
    status.mode === 'offline'
      ? `Head office cannot be reached and ${waiting} sales made offline are not there yet: close the shift once the link is back and they are sent.`
      : `${waiting} sales made offline are still being sent to head office: close the shift once they are.`,
    { shift: `${waiting} offline sales not at head office yet` },
  );
}

/** What the day's figures do not hold yet: offline sales waiting, and those head office refused. */
export async function stillOut(ctx: AppContext): Promise<{ waiting: number; held: number } | undefined> {
  const status = await ctx.link?.status();
  return status ? { waiting: status.waiting, held: status.held } : undefined;
}

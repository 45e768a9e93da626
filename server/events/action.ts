import type { Kysely } from 'kysely';
import type { AppContext } from '../context.js';
import { faultPoint } from '../fault-point.js';
import type { Isolation } from '../storage/database.js';
import type { Database } from '../storage/schema.js';
import { Outbox } from './outbox.js';

type ActionContext = Pick<AppContext, 'storage' | 'bus' | 'store'>;

/** What a write gets: its transaction and the outbox its events wait in until commit. */
export type ActionWrite<T> = (trx: Kysely<Database>, outbox: Outbox) => Promise<T>;

/** An idempotent request's outcome: `replayed` when its id came before and nothing was written. */
export interface Replayable<T> {
  replayed: boolean;
  result: T;
}

export interface ActionOptions {
  /** Names the action's fault points after commit (`<name>.committed`, `<name>.published`). */
  name?: string;
  /** How the transaction stays right against other stores' on PostgreSQL (`Isolation`). */
  isolation?: Isolation;
  /** SQLite: may share its commit with such actions waiting beside it (`WriteOptions`). */
  shareCommit?: boolean;
}

/**
 * Runs one business action: one write transaction with an outbox of its own, its events
 * published only once it committed. Each try has its own outbox: a rolled-back or retried try
 * leaves its events behind with it.
 */
export async function runAction<T>(
  ctx: ActionContext,
  write: ActionWrite<T>,
  options: ActionOptions = {},
): Promise<T> {
  const { result, outbox } = await ctx.storage.write(
    async (trx) => {
      const outbox = new Outbox();
      const result = await write(trx, outbox);
      await outbox.finish(trx);
      return { result, outbox };
    },
    options.isolation,
    { shareCommit: options.shareCommit ?? false },
  );
  if (options.name) faultPoint(`${options.name}.committed`);
  outbox.publish(ctx.bus, ctx.store.id);
  if (options.name) faultPoint(`${options.name}.published`);
  return result;
}

/**
 * Runs an idempotent request as one business action: inside the transaction, `replay` looks
 * for the answer already given to this id (and throws when the id came with another body);
 * found, it is the answer and nothing is written; else `write` runs.
 */
export async function runRequest<T>(
  ctx: ActionContext,
  replay: (trx: Kysely<Database>) => Promise<T | null>,
  write: ActionWrite<T>,
  options: ActionOptions = {},
): Promise<Replayable<T>> {
  return runAction(
    ctx,
    async (trx, outbox) => {
      const first = await replay(trx);
      if (first !== null) return { replayed: true, result: first };
      return { replayed: false, result: await write(trx, outbox) };
    },
    options,
  );
}

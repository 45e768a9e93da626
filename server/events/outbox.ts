import type { Kysely } from 'kysely';
import type { EventPayloads, EventType } from '../protocol/events.js';
import type { Database } from '../storage/schema.js';
import type { EventBus } from './bus.js';

interface Pending {
  type: EventType;
  data: EventPayloads[EventType];
}

/** A step an action asked for once its own writes are done, still inside its transaction. */
type LastStep = (trx: Kysely<Database>) => Promise<void>;

/**
 * Events gathered inside a write transaction and published only once it committed, so a
 * listener never hears of a change that was rolled back. Create one per try of a business
 * action, inside `storage.write` (`runAction` does): a try that rolls back, or that PostgreSQL
 * runs again after a conflict, leaves its outbox and its events behind. Hand it to the functions
 * that run inside the transaction, and call `publish` once it committed.
 */
export class Outbox {
  private readonly pending: Pending[] = [];
  private readonly lastSteps = new Map<string, LastStep>();

  add<T extends EventType>(type: T, data: EventPayloads[T]): void {
    this.pending.push({ type, data });
  }

  /**
   * Runs `step` (once per `key`, however often asked) after the action's writes, before its
   * commit: for an event that tells how things stand at the end of the action, read once
   * however many of its steps changed them (`runAction` calls `finish`).
   */
  beforeCommit(key: string, step: LastStep): void {
    if (this.lastSteps.has(key)) return;
    this.lastSteps.set(key, step);
  }

  /** The steps asked for with `beforeCommit`, in the order they were first asked. */
  async finish(trx: Kysely<Database>): Promise<void> {
    for (const step of this.lastSteps.values()) await step(trx);
    this.lastSteps.clear();
  }

  /** Publishes everything gathered, in order, and empties the outbox. */
  publish(bus: EventBus, storeId: string): void {
    for (const { type, data } of this.pending.splice(0)) bus.publish(type, storeId, data);
  }
}

import type { EventPayloads, EventType } from '../protocol/events.js';
import { onRollback } from '../storage/database.js';
import type { EventBus } from './bus.js';

interface Pending {
  type: EventType;
  data: EventPayloads[EventType];
}

/**
 * Events gathered inside a write transaction and published only once it committed, so a
 * listener never hears of a change that was rolled back. Create one per business action,
 * hand it to the functions that run inside `storage.write`, and call `publish` afterwards.
 */
export class Outbox {
  private readonly pending: Pending[] = [];

  add<T extends EventType>(type: T, data: EventPayloads[T]): void {
    const entry = { type, data };
    this.pending.push(entry);
    // A transaction that rolls back (or runs again after a conflict) takes its events back.
    onRollback(() => {
      const at = this.pending.indexOf(entry);
      if (at >= 0) this.pending.splice(at, 1);
    });
  }

  /** Publishes everything gathered, in order, and empties the outbox. */
  publish(bus: EventBus, storeId: string): void {
    for (const { type, data } of this.pending.splice(0)) bus.publish(type, storeId, data);
  }
}

import { EventEmitter } from 'node:events';
import type { EventPayloads, EventType, StoreEvent } from '../protocol/events.js';

type Listener = (event: StoreEvent) => void;

/**
 * The server's event bus: domains publish what happened, the WebSocket layer (and anything
 * else) listens. Listeners run synchronously after the publishing transaction committed.
 */
export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor(private readonly now: () => Date) {
    this.emitter.setMaxListeners(0);
  }

  publish<T extends EventType>(type: T, storeId: string, data: EventPayloads[T]): StoreEvent<T> {
    const event: StoreEvent<T> = { type, storeId, at: this.now().toISOString(), data };
    this.emitter.emit('event', event);
    return event;
  }

  /** Hands an event that happened elsewhere (another store server of the chain) to the listeners as it is. */
  deliver(event: StoreEvent): void {
    this.emitter.emit('event', event);
  }

  /** Returns the function that stops listening. */
  listen(listener: Listener): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}

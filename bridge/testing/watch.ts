import { WebSocket } from 'ws';
import type { EventOf, EventType, StoreEvent } from '../../server/protocol/events.js';

function isOf<T extends EventType>(event: EventOf<EventType>, type: T): event is EventOf<T> {
  return event.type === type;
}

/** A WebSocket client that signs in, subscribes and collects events, with generous waits. */
export class EventWatcher {
  readonly events: StoreEvent[] = [];
  private socket: WebSocket | null = null;
  private wake: Array<() => void> = [];

  static async open(url: string, token: string, topics: EventType[]): Promise<EventWatcher> {
    const watcher = new EventWatcher();
    await watcher.connect(url, token, topics);
    return watcher;
  }

  private connect(url: string, token: string, topics: EventType[]): Promise<void> {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`);
    this.socket = socket;
    return new Promise((resolve, reject) => {
      let subscribed = 0;
      socket.on('error', reject);
      socket.on('message', (data) => {
        const message = JSON.parse(data.toString());
        if (message.type === 'hello') socket.send(JSON.stringify({ type: 'auth', token }));
        else if (message.type === 'auth_ok') {
          for (const [index, topic] of topics.entries()) {
            socket.send(JSON.stringify({ id: index + 1, type: 'subscribe', topic }));
          }
        } else if (message.type === 'result') {
          if (!message.success) reject(new Error(JSON.stringify(message.error)));
          else if (++subscribed === topics.length) resolve();
        } else if (message.type === 'event') {
          this.events.push(message.event);
          for (const wake of this.wake.splice(0)) wake();
        }
      });
    });
  }

  /** The first event (seen or still to come) that matches; fails after `timeoutMs`. */
  async waitFor<T extends EventType>(
    type: T,
    match: (data: StoreEvent<T>['data']) => boolean = () => true,
    timeoutMs = 15_000,
  ): Promise<StoreEvent<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const event of this.events) if (isOf(event, type) && match(event.data)) return event;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `no ${type} event matched within ${timeoutMs} ms; got ${JSON.stringify(this.events.slice(-5))}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.wake.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Forgets the events so far (to wait for the next one of a kind). */
  clear(): void {
    this.events.length = 0;
  }

  close(): void {
    this.socket?.close();
  }
}

import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { EventType, StoreEvent } from '../../../server/protocol/events.js';
import { useStoreZone } from '../data/format.js';
import type { ConnectionState, HangerConnection } from './connection.js';
import type { RequestError } from './errors.js';

/**
 * Re-renders its element whenever the connection's state changes, while the element is on the
 * page. Each time the connection comes online it asks who the store is, so that every date and
 * time on the screen shows in the store's time zone (elements redraw through their LocalizeController).
 */
export class ConnectionStateController implements ReactiveController {
  private readonly host: ReactiveControllerHost;
  private connection: HangerConnection | null = null;
  private stop: (() => void) | undefined;
  private readonly onChange: ((state: ConnectionState) => void) | undefined;

  constructor(host: ReactiveControllerHost, onChange?: (state: ConnectionState) => void) {
    this.host = host;
    this.onChange = onChange;
    host.addController(this);
  }

  /** The connection's state, or `connecting` while there is none yet. */
  get state(): ConnectionState {
    return this.connection?.state ?? 'connecting';
  }

  /** Follows another connection (or none). */
  attach(connection: HangerConnection | null): void {
    this.stop?.();
    this.stop = undefined;
    this.connection = connection;
    if (connection) this.listen();
    this.host.requestUpdate();
  }

  hostConnected(): void {
    if (this.connection && !this.stop) this.listen();
  }

  hostDisconnected(): void {
    this.stop?.();
    this.stop = undefined;
  }

  private listen(): void {
    const connection = this.connection;
    this.stop = connection?.onStateChange((state) => {
      this.host.requestUpdate();
      this.onChange?.(state);
      if (state === 'online') void this.learnStoreZone(connection);
    });
  }

  private async learnStoreZone(connection: HangerConnection): Promise<void> {
    try {
      const { store } = await connection.request('session/info');
      if (store.timeZone) useStoreZone(store.timeZone);
    } catch {
      // The next time the connection comes online it asks again; until then, the default zone.
    }
  }
}

/**
 * Receives one topic's events while its element is on the page: subscribes when the element
 * connects, unsubscribes when it leaves (after Home Assistant's `subscribeEvents` mixin).
 */
export class SubscriptionController<T extends EventType> implements ReactiveController {
  /** Why the server refused the subscription, if it did. */
  error: RequestError | null = null;

  private readonly host: ReactiveControllerHost;
  private readonly connection: () => HangerConnection | null;
  private readonly topic: T;
  private readonly callback: (event: StoreEvent<T>) => void;
  private stop: (() => void) | undefined;

  constructor(
    host: ReactiveControllerHost,
    connection: () => HangerConnection | null,
    topic: T,
    callback: (event: StoreEvent<T>) => void,
  ) {
    this.host = host;
    this.connection = connection;
    this.topic = topic;
    this.callback = callback;
    host.addController(this);
  }

  hostConnected(): void {
    const connection = this.connection();
    if (!connection || this.stop) return;
    this.stop = connection.subscribe(
      this.topic,
      (event) => {
        this.callback(event);
        this.host.requestUpdate();
      },
      (error) => {
        this.error = error;
        this.host.requestUpdate();
      },
    );
  }

  hostDisconnected(): void {
    this.stop?.();
    this.stop = undefined;
  }
}

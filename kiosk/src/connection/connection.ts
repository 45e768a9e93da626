import type { CommandParams, CommandResult, CommandType } from '../../../server/protocol/commands.js';
import type { EventType, StoreEvent } from '../../../server/protocol/events.js';
import type { Principal } from '../../../server/protocol/roles.js';
import type { ServerMessage } from '../../../server/protocol/ws.js';
import { RequestError } from './errors.js';

/** How the screen's link to the server stands; `unauthorized`: the token was refused (4401). */
export type ConnectionState = 'connecting' | 'online' | 'offline' | 'unauthorized';

/** The schema this client speaks; the server's hello names the range it accepts. */
export const CLIENT_SCHEMA = 1;
/** The close code for a bad, expired or revoked token. */
const CLOSE_UNAUTHORIZED = 4401;

export interface ConnectionOptions {
  /** A staff session token or a device token. */
  token: string;
  /** Where `/ws` is; the page's own server by default. */
  url?: string;
  /** A request without an answer after this long rejects with `timeout` (10 s). */
  requestTimeoutMs?: number;
  /** The first pause before reconnecting; it doubles up to `maxBackoffMs` (0.5 s → 10 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** How often to ask the server whether it is still there (10 s); a missed pong drops the socket. */
  pingIntervalMs?: number;
}

export interface RequestOptions {
  timeoutMs?: number;
  /** A colleague's PIN approving what the signed-in staff member may not do alone. */
  approval?: { username: string; pin: string };
}

/** A command's params, which may be left out when it needs none, then the request's options. */
export type RequestArgs<K extends CommandType> =
  Record<never, never> extends CommandParams<K>
    ? [params?: CommandParams<K>, options?: RequestOptions]
    : [params: CommandParams<K>, options?: RequestOptions];

interface Pending {
  resolve(value: unknown): void;
  reject(error: RequestError): void;
  timer: ReturnType<typeof setTimeout>;
  /** The frame, kept until it is sent (requests made while offline wait for the link). */
  frame: Record<string, unknown> | null;
}

interface Listener {
  callback(event: StoreEvent): void;
  onError: ((error: RequestError) => void) | undefined;
}

/** A topic the screen listens to: one subscription on the server, shared by its listeners. */
interface Subscription {
  topic: EventType;
  listeners: Set<Listener>;
  /** The id the server's events carry on the current socket, null while not subscribed. */
  serverId: number | null;
}

function defaultUrl(): string {
  const { protocol, host } = globalThis.location;
  return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}/ws`;
}

/**
 * The screens' one WebSocket client, after home-assistant-js-websocket: hello → auth, typed
 * request/result with time-outs, subscriptions that survive reconnects, and a state the header
 * shows. The constructor does no work; `connect()` starts it and `close()` ends it for good.
 */
export class HangerConnection {
  state: ConnectionState = 'connecting';
  /** Who the server says the token belongs to, after the first `auth_ok`. */
  principal: Principal | null = null;
  /** The server's version from its hello. */
  serverVersion: string | null = null;

  private readonly options: Required<Omit<ConnectionOptions, 'url'>> & { url: string | undefined };
  private socket: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly subscriptions = new Map<EventType, Subscription>();
  private readonly byServerId = new Map<number, Subscription>();
  private readonly listeners = new Set<(state: ConnectionState) => void>();
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private awaitingPong = false;
  private closed = false;

  constructor(options: ConnectionOptions) {
    this.options = {
      requestTimeoutMs: 10_000,
      initialBackoffMs: 500,
      maxBackoffMs: 10_000,
      pingIntervalMs: 10_000,
      ...options,
      url: options.url,
    };
  }

  /** Opens the socket (and keeps it open until `close()` or a refused token). */
  connect(): void {
    this.closed = false;
    if (this.socket) return;
    this.open();
  }

  /** Closes for good: pending requests reject, no reconnect. */
  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.stopPing();
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'closed by the screen');
    this.failPending('disconnected', 'The screen closed its connection.');
  }

  /** Calls `listener` on every state change; returns the function that stops it. */
  onStateChange(listener: (state: ConnectionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Sends `{id, type, ...params}` and resolves with the result, or rejects with a RequestError
   * (the server's error, `timeout`, `disconnected`). While offline the request waits for the link.
   */
  request<K extends CommandType>(
    type: K,
    ...[params, options = {}]: RequestArgs<K>
  ): Promise<CommandResult<K>> {
    const id = this.nextId++;
    const frame: Record<string, unknown> = { ...params, id, type };
    if (options.approval) frame.approval = options.approval;
    return new Promise<CommandResult<K>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RequestError('timeout', `No answer to ${type} in time.`));
      }, options.timeoutMs ?? this.options.requestTimeoutMs);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer, frame });
      if (this.state === 'online') this.sendPending(id);
      else if (this.state === 'unauthorized')
        this.settle(id, new RequestError('unauthorized', 'Not signed in.'));
    });
  }

  /**
   * Receives the events of `topic` until the returned function is called; re-subscribes by
   * itself after a reconnect. `onError` hears a refused subscription (e.g. forbidden). Listeners
   * of one topic share one subscription on the server: it is asked for by the first and ended
   * with the last.
   */
  subscribe<T extends EventType>(
    topic: T,
    callback: (event: StoreEvent<T>) => void,
    onError?: (error: RequestError) => void,
  ): () => void {
    const listener: Listener = { callback: callback as (event: StoreEvent) => void, onError };
    let subscription = this.subscriptions.get(topic);
    if (!subscription) {
      subscription = { topic, listeners: new Set(), serverId: null };
      this.subscriptions.set(topic, subscription);
    }
    subscription.listeners.add(listener);
    // The first listener asks; a later one asks again only if the server refused the first.
    if (this.state === 'online' && subscription.serverId === null) this.sendSubscribe(subscription);
    const shared = subscription;
    return () => {
      if (!shared.listeners.delete(listener) || shared.listeners.size > 0) return;
      this.subscriptions.delete(topic);
      const serverId = shared.serverId;
      shared.serverId = null;
      if (serverId === null) return;
      this.byServerId.delete(serverId);
      if (this.state === 'online') {
        this.request('unsubscribe', { subscription: serverId }).catch(() => {
          // The socket may have gone meanwhile; the server forgets its subscriptions with it.
        });
      }
    };
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }

  private open(): void {
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.options.url ?? defaultUrl());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    if (this.state !== 'offline') this.setState('connecting');
    socket.addEventListener('message', (event) => {
      if (socket !== this.socket) return;
      let message: ServerMessage;
      try {
        message = JSON.parse(String(event.data)) as ServerMessage;
      } catch {
        return;
      }
      this.handle(socket, message);
    });
    socket.addEventListener('close', (event) => {
      if (socket !== this.socket) return;
      this.socket = null;
      this.stopPing();
      this.dropSubscriptionIds();
      if (event.code === CLOSE_UNAUTHORIZED) {
        this.setState('unauthorized');
        this.failPending('unauthorized', 'The server refused the token.');
        return;
      }
      this.failSent('disconnected', 'The connection dropped before the answer came.');
      if (this.closed) return;
      this.setState('offline');
      this.scheduleReconnect();
    });
  }

  private handle(socket: WebSocket, message: ServerMessage): void {
    switch (message.type) {
      case 'hello':
        this.serverVersion = message.version;
        socket.send(JSON.stringify({ type: 'auth', token: this.options.token, schema: CLIENT_SCHEMA }));
        return;
      case 'auth_ok':
        this.principal = message.principal;
        this.attempt = 0;
        this.setState('online');
        this.startPing();
        for (const subscription of this.subscriptions.values()) this.sendSubscribe(subscription);
        for (const [id, pending] of this.pending) if (pending.frame) this.sendPending(id);
        return;
      case 'auth_invalid':
        // The close with 4401 follows and says what to do.
        return;
      case 'pong':
        this.awaitingPong = false;
        this.settle(message.id, null, null);
        return;
      case 'event': {
        const listeners = this.byServerId.get(message.id)?.listeners ?? [];
        for (const listener of listeners) listener.callback(message.event);
        return;
      }
      case 'result':
        if (message.id === null) return;
        if (message.success) this.settle(message.id, null, message.result);
        else this.settle(message.id, RequestError.fromBody(message.error));
        return;
    }
  }

  private sendPending(id: number): void {
    const pending = this.pending.get(id);
    if (!pending?.frame || !this.socket || this.socket.readyState !== WebSocket.OPEN) return;
    this.socket.send(JSON.stringify(pending.frame));
    pending.frame = null;
  }

  private sendSubscribe(subscription: Subscription): void {
    // `request` takes this id synchronously below; events may arrive before its result does.
    const id = this.nextId;
    subscription.serverId = id;
    this.byServerId.set(id, subscription);
    this.request('subscribe', { topic: subscription.topic }).catch((error: unknown) => {
      if (subscription.serverId !== id) return;
      subscription.serverId = null;
      this.byServerId.delete(id);
      if (!(error instanceof RequestError) || error.code === 'disconnected') return;
      for (const listener of subscription.listeners) listener.onError?.(error);
    });
  }

  private settle(id: number, error: RequestError | null, result?: unknown): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    if (error) pending.reject(error);
    else pending.resolve(result);
  }

  /** Requests already on the wire: their answer is lost with the socket. */
  private failSent(code: RequestError['code'], message: string): void {
    for (const [id, pending] of this.pending) {
      if (pending.frame === null) this.settle(id, new RequestError(code, message));
    }
  }

  private failPending(code: RequestError['code'], message: string): void {
    for (const id of [...this.pending.keys()]) this.settle(id, new RequestError(code, message));
  }

  private dropSubscriptionIds(): void {
    this.byServerId.clear();
    for (const subscription of this.subscriptions.values()) subscription.serverId = null;
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    clearTimeout(this.reconnectTimer);
    const ceiling = Math.min(this.options.maxBackoffMs, this.options.initialBackoffMs * 2 ** this.attempt);
    this.attempt += 1;
    // Jitter, so that every screen in the shop does not knock at the same moment after a restart.
    const delay = ceiling * (0.5 + Math.random() * 0.5);
    this.reconnectTimer = setTimeout(() => this.open(), delay);
  }

  private startPing(): void {
    this.stopPing();
    this.awaitingPong = false;
    this.pingTimer = setInterval(() => {
      if (this.awaitingPong) {
        // The previous ping was never answered: the link is dead even if the socket has not noticed.
        this.socket?.close(4000, 'no pong');
        return;
      }
      this.awaitingPong = true;
      this.request('ping', {}, { timeoutMs: this.options.pingIntervalMs }).catch(() => {});
    }, this.options.pingIntervalMs);
  }

  private stopPing(): void {
    clearInterval(this.pingTimer);
    this.pingTimer = undefined;
  }
}

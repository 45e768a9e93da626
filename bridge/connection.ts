import type { Logger } from 'pino';
import { WebSocket } from 'ws';
import type { CommandParams, CommandResult, CommandType } from '../server/protocol/commands.js';
import type { EventType, StoreEvent } from '../server/protocol/events.js';
import type { DevicePrincipal } from '../server/protocol/roles.js';
import { CLOSE, MAX_SCHEMA, type ServerMessage } from '../server/protocol/ws.js';

export interface ConnectionOptions {
  /** The server's base URL, e.g. http://127.0.0.1:8080. */
  serverUrl: string;
  token: string;
  log: Logger;
  /** Topics to subscribe to after every (re)connect. */
  topics: readonly EventType[];
  onEvent(event: StoreEvent): void;
  /** Runs after each successful sign-in and subscription (report statuses, collect jobs). */
  onReady(principal: DevicePrincipal): void | Promise<void>;
  onDown(reason: string): void;
  /** The server refused the token (revoked): the bridge must pair again. */
  onUnauthorized(): void;
  backoff?: { firstMs: number; maxMs: number };
  requestTimeoutMs?: number;
}

export class NotConnectedError extends Error {
  override name = 'NotConnectedError';
}

/** An error result from the server. */
export class CommandError extends Error {
  override name = 'CommandError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Waiting {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * The bridge's WebSocket to the server: hello → auth as a bridge → subscribe, then requests
 * and events. When the link drops it reconnects with growing pauses (with jitter, so a shop's
 * bridges do not all knock at once after the server restarts).
 */
export class ServerConnection {
  private socket: WebSocket | null = null;
  private running = false;
  private ready = false;
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private readonly subscriptions = new Map<number, EventType>();

  constructor(private readonly options: ConnectionOptions) {}

  get connected(): boolean {
    return this.ready;
  }

  start(): void {
    this.running = true;
    this.connect();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    if (!socket) return;
    await new Promise<void>((resolve) => {
      if (socket.readyState === WebSocket.CLOSED) return resolve();
      socket.once('close', () => resolve());
      socket.close(CLOSE.goingAway, 'bridge stopping');
      setTimeout(() => {
        socket.terminate();
        resolve();
      }, 2000).unref();
    });
  }

  /** Sends a command and waits for its result. */
  request<K extends CommandType>(type: K, params: CommandParams<K>): Promise<CommandResult<K>> {
    if (!this.ready || !this.socket)
      return Promise.reject(new NotConnectedError('not connected to the server'));
    return this.send(type, params);
  }

  private send<K extends CommandType>(type: K, params: CommandParams<K>): Promise<CommandResult<K>> {
    const socket = this.socket;
    if (!socket) return Promise.reject(new NotConnectedError('not connected to the server'));
    const id = this.nextId++;
    return new Promise<CommandResult<K>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${type}: no answer from the server`));
      }, this.options.requestTimeoutMs ?? 10_000);
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      socket.send(JSON.stringify({ id, type, ...params }));
    });
  }

  private connect(): void {
    if (!this.running) return;
    const url = `${this.options.serverUrl.replace(/^http/, 'ws').replace(/\/$/, '')}/ws`;
    const socket = new WebSocket(url, { handshakeTimeout: 10_000 });
    this.socket = socket;
    let authed = false;
    socket.on('message', (data) => {
      let message: ServerMessage;
      try {
        message = JSON.parse(data.toString()) as ServerMessage;
      } catch {
        return;
      }
      if (message.type === 'hello') {
        socket.send(JSON.stringify({ type: 'auth', token: this.options.token, schema: MAX_SCHEMA }));
      } else if (message.type === 'auth_ok') {
        authed = true;
        void this.established(message.principal as DevicePrincipal);
      } else if (message.type === 'result') {
        if (message.id === null) return;
        const waiting = this.waiting.get(message.id);
        if (!waiting) return;
        this.waiting.delete(message.id);
        clearTimeout(waiting.timer);
        if (message.success) waiting.resolve(message.result);
        else waiting.reject(new CommandError(message.error.code, message.error.message));
      } else if (message.type === 'event') {
        if (this.subscriptions.has(message.id)) this.options.onEvent(message.event);
      }
    });
    socket.on('error', (error) => this.options.log.debug({ err: error.message }, 'server connection error'));
    socket.on('close', (code, reason) => {
      if (this.socket === socket) this.socket = null;
      const wasReady = this.ready;
      this.ready = false;
      this.subscriptions.clear();
      for (const [id, waiting] of this.waiting) {
        clearTimeout(waiting.timer);
        waiting.reject(new NotConnectedError('the connection to the server closed'));
        this.waiting.delete(id);
      }
      if (!this.running) return;
      const why = `connection closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`;
      if (code === CLOSE.unauthorized) {
        // Refused at sign-in, or revoked later: this token is finished either way.
        if (wasReady) this.options.onDown(why);
        this.options.log.error({ authed }, "the server refused this bridge's token");
        this.options.onUnauthorized();
        return;
      }
      if (wasReady) this.options.onDown(why);
      this.retry(why);
    });
  }

  private async established(principal: DevicePrincipal): Promise<void> {
    try {
      for (const topic of this.options.topics) {
        this.subscriptions.set(this.nextId, topic);
        await this.send('subscribe', { topic });
      }
    } catch (error) {
      this.options.log.warn({ err: (error as Error).message }, 'subscribing failed');
      this.socket?.terminate();
      return;
    }
    this.ready = true;
    this.attempt = 0;
    this.options.log.info({ terminalId: principal.terminalId }, 'connected to the server');
    try {
      await this.options.onReady(principal);
    } catch (error) {
      this.options.log.warn({ err: (error as Error).message }, 'after-connect work failed');
    }
  }

  private retry(reason: string): void {
    if (!this.running) return;
    const { firstMs, maxMs } = this.options.backoff ?? { firstMs: 500, maxMs: 15_000 };
    const pause = Math.min(maxMs, firstMs * 2 ** this.attempt) * (0.75 + Math.random() * 0.5);
    this.attempt = Math.min(this.attempt + 1, 20);
    this.options.log.info({ reason, retryInMs: Math.round(pause) }, 'server not reachable; trying again');
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect();
    }, pause);
  }
}

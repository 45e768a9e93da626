import type { IncomingMessage, Server } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import type { ApprovalRequest } from '../domain/staff/approval.js';
import { authorizeAction } from '../domain/staff/authorize.js';
import { ApiError, toApiError, validationError } from '../errors.js';
import { resolveToken } from '../http/auth.js';
import { type RateLimits, TokenBuckets } from '../http/rate-limit.js';
import type { ErrorBody } from '../protocol/errors.js';
import type { EventType, StoreEvent } from '../protocol/events.js';
import type { Principal } from '../protocol/roles.js';
import { CLOSE, MAX_SCHEMA, MIN_SCHEMA, type ServerMessage } from '../protocol/ws.js';
import type { CommandSpec } from './command.js';
import { SeenDevices } from './seen.js';
import { isTopic, receives, TOPICS } from './topics.js';

export interface HubOptions {
  /** How often to ping; a client that has not answered the previous ping is dropped. */
  heartbeatMs?: number;
  /** How long a new connection may take to authenticate. */
  authTimeoutMs?: number;
  /** Bytes a client may leave unread before it is dropped (tests lower it). */
  maxBufferedBytes?: number;
  /**
   * Frames a socket may send a second (see MESSAGES_PER_SECOND). The fuzzer and the round-trip
   * benchmark raise it: they measure the handling of frames, not the limit.
   */
  messagesPerSecond?: number;
}

export const MAX_FRAME_BYTES = 64 * 1024;
/** Unread bytes after which a client that does not read is dropped rather than buffered for. */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/**
 * Frames of one socket received but not yet answered. A screen waits for its answers and has
 * a few out at once; a flood has thousands, and is closed (1008) before it queues work that
 * would hold every other till up.
 */
export const MAX_WAITING_FRAMES = 64;
/**
 * Frames one socket may send a second, after a burst of twice as many: a till scanning as fast
 * as a scanner reads sends a few. Each frame over it is answered `too_many_requests` unhandled.
 */
export const MESSAGES_PER_SECOND = 100;
/**
 * Frames refused in a row (none handled between them) after which the socket is closed (1008):
 * a screen that meets the limit waits for its answers; a flood goes on sending.
 */
export const MAX_REFUSED_FRAMES = 64;

const authMessage = z.object({
  type: z.literal('auth'),
  token: z.string().min(1).max(200),
  schema: z.number().int().optional(),
});
const envelope = z.looseObject({
  id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  type: z.string().min(1).max(64),
  approval: z.strictObject({ username: z.string().min(1).max(40), pin: z.string().max(6) }).optional(),
});

class Connection {
  principal: Principal | null = null;
  /** The client's IP: its sign-in attempts and rate limits are counted under it. */
  readonly address: string;
  token = '';
  alive = true;
  /**
   * Topic → the id of the subscribe request its events carry. A repeat of a topic is the same
   * subscription, so a socket holds at most one per topic, however often it asks.
   */
  readonly subscriptions = new Map<EventType, number>();
  /** Messages of one connection are handled in order. */
  queue: Promise<void> = Promise.resolve();
  /** Frames received and not yet handled (see MAX_WAITING_FRAMES). */
  waiting = 0;
  /** Frames refused by the rate since the last one handled (see MAX_REFUSED_FRAMES). */
  refused = 0;

  constructor(
    /** This connection's own key in the hub's per-socket message buckets. */
    readonly key: string,
    readonly socket: WebSocket,
    request: IncomingMessage,
    private readonly maxBufferedBytes: number,
  ) {
    this.address = request.socket.remoteAddress ?? 'unknown';
  }

  /**
   * Sends unless the client has stopped reading: then it is dropped, so one stalled socket
   * neither holds the server's memory nor the time of every event sent after.
   */
  send(message: ServerMessage): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    if (this.socket.bufferedAmount > this.maxBufferedBytes) {
      this.principal = null;
      this.socket.terminate();
      return;
    }
    this.socket.send(JSON.stringify(message));
  }

  fail(id: number | null, error: ErrorBody): void {
    this.send({ id, type: 'result', success: false, error });
  }

  close(code: number, reason: string): void {
    this.principal = null;
    this.socket.close(code, reason);
  }
}

/**
 * The `/ws` endpoint: hello → auth handshake, request/result, subscribe/event and a
 * heartbeat that drops dead clients. Commands are thin adapters over domain services.
 */
export class WsHub {
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<Connection>();
  private readonly commands: Map<string, CommandSpec>;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly stopListening: () => void;
  /** One bucket per socket: the frames it may still send now (see MESSAGES_PER_SECOND). */
  private readonly messages: TokenBuckets;
  private readonly messagesPerSecond: number;
  private accepted = 0;
  private readonly devices: SeenDevices;

  constructor(
    private readonly ctx: AppContext,
    server: Server,
    commands: readonly CommandSpec[],
    private readonly limits: RateLimits,
    private readonly options: HubOptions = {},
  ) {
    this.commands = new Map(commands.map((spec) => [spec.type, spec]));
    this.devices = new SeenDevices(ctx);
    this.messagesPerSecond = options.messagesPerSecond ?? MESSAGES_PER_SECOND;
    this.messages = new TokenBuckets({
      burst: 2 * this.messagesPerSecond,
      perMinute: 60 * this.messagesPerSecond,
    });
    this.wss = new WebSocketServer({
      server,
      path: '/ws',
      maxPayload: MAX_FRAME_BYTES,
      // A browser page from another site must not reach the store with the user's LAN access.
      verifyClient: ({ req }, done) =>
        sameOrigin(req) ? done(true) : done(false, 403, 'Origin does not match this server'),
    });
    this.wss.on('connection', (socket, request) => this.accept(socket, request));
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
    this.stopListening = ctx.bus.listen((event) => this.deliver(event));
  }

  /** Says goodbye to every client (1001) and stops. */
  close(): Promise<void> {
    clearInterval(this.heartbeat);
    this.stopListening();
    for (const connection of this.connections) connection.close(CLOSE.goingAway, 'server shutting down');
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  get clientCount(): number {
    return this.connections.size;
  }

  private accept(socket: WebSocket, request: IncomingMessage): void {
    this.accepted += 1;
    const connection = new Connection(
      String(this.accepted),
      socket,
      request,
      this.options.maxBufferedBytes ?? MAX_BUFFERED_BYTES,
    );
    this.connections.add(connection);
    const authTimer = setTimeout(() => {
      if (!connection.principal) connection.close(CLOSE.authTimeout, 'no auth in time');
    }, this.options.authTimeoutMs ?? 10_000);
    socket.on('pong', () => {
      connection.alive = true;
    });
    socket.on('close', () => {
      clearTimeout(authTimer);
      this.connections.delete(connection);
    });
    socket.on('error', (error) => this.ctx.log.warn({ err: error.message }, 'websocket error'));
    socket.on('message', (data, isBinary) => {
      // A socket being closed gets nothing more handled, whatever it still sends.
      if (socket.readyState !== WebSocket.OPEN) return;
      if (connection.waiting >= MAX_WAITING_FRAMES) {
        // Answering a flood frame by frame is what would slow every other till.
        connection.close(CLOSE.policyViolation, 'too many messages');
        return;
      }
      if (this.messages.take(connection.key) > 0) {
        this.refuse(connection, isBinary ? null : data.toString());
        return;
      }
      connection.refused = 0;
      const text = isBinary ? null : data.toString();
      // A signed-in screen's ping is answered at once, not behind a slow command (a drawer
      // waiting for its bridge): the till pings every 2 s and takes a late pong for a dead link.
      // Its token is checked as for any request, so a revoked till is still closed at its ping.
      const ping = connection.principal && text !== null ? pingId(text) : undefined;
      if (ping !== undefined) {
        resolveToken(this.ctx, connection.token).then(
          (principal) => {
            if (principal) {
              connection.send({ id: ping, type: 'pong' });
              void this.devices.seen(principal);
            } else connection.close(CLOSE.unauthorized, 'token revoked or expired');
          },
          (error: unknown) => this.ctx.log.error({ err: error }, 'websocket ping failed'),
        );
        return;
      }
      connection.waiting += 1;
      connection.queue = connection.queue
        .then(() =>
          connection.principal ? this.request(connection, text) : this.authenticate(connection, text),
        )
        .catch((error: unknown) => this.ctx.log.error({ err: error }, 'websocket handler failed'))
        .finally(() => {
          connection.waiting -= 1;
        });
    });
    connection.send({
      type: 'hello',
      version: this.ctx.version,
      minSchema: MIN_SCHEMA,
      maxSchema: MAX_SCHEMA,
    });
  }

  /** A frame over the socket's rate: answered unhandled, and a socket that keeps on is closed. */
  private refuse(connection: Connection, text: string | null): void {
    connection.refused += 1;
    if (connection.refused > MAX_REFUSED_FRAMES) {
      connection.close(CLOSE.policyViolation, 'too many messages');
      return;
    }
    const error = new ApiError(
      'too_many_requests',
      `At most ${this.messagesPerSecond} messages a second; wait for the answers before sending more.`,
      { frame: 'over the rate' },
    );
    connection.fail(frameId(parseJson(text)), error.toBody());
  }

  private async authenticate(connection: Connection, text: string | null): Promise<void> {
    if (connection.socket.readyState !== WebSocket.OPEN) return;
    const parsed = authMessage.safeParse(parseJson(text));
    const principal = parsed.success ? await resolveToken(this.ctx, parsed.data.token) : null;
    if (!parsed.success || !principal) {
      connection.send({
        type: 'auth_invalid',
        message: 'Send {type:"auth", token} with a valid token first.',
      });
      connection.close(CLOSE.unauthorized, 'unauthorized');
      return;
    }
    const schema = parsed.data.schema ?? MAX_SCHEMA;
    if (schema < MIN_SCHEMA || schema > MAX_SCHEMA) {
      connection.send({
        type: 'auth_invalid',
        message: `Schema ${schema} is not spoken here (${MIN_SCHEMA}–${MAX_SCHEMA}).`,
      });
      connection.close(CLOSE.schemaUnsupported, 'schema unsupported');
      return;
    }
    connection.principal = principal;
    connection.token = parsed.data.token;
    await this.devices.seen(principal);
    connection.send({ type: 'auth_ok', schema, principal });
  }

  private async request(connection: Connection, text: string | null): Promise<void> {
    const raw = parseJson(text);
    if (raw === undefined) {
      connection.fail(null, {
        code: 'validation_failed',
        message: 'The frame is not JSON text.',
        fields: { frame: 'not JSON' },
      });
      return;
    }
    const parsed = envelope.safeParse(raw);
    if (!parsed.success) {
      connection.fail(frameId(raw), validationError(parsed.error).toBody());
      return;
    }
    const { id, type, approval, ...params } = parsed.data;
    try {
      // Every request re-checks the token, so revocation and expiry bite at once.
      const principal = await resolveToken(this.ctx, connection.token);
      if (!principal) {
        connection.close(CLOSE.unauthorized, 'token revoked or expired');
        return;
      }
      connection.principal = principal;
      void this.devices.seen(principal);
      // An approval's PIN counts against the address of the connection it came on.
      const brought = approval ? { ...approval, address: connection.address } : null;
      const result = await this.dispatch(connection, principal, id, type, params, brought);
      if (type === 'ping') connection.send({ id, type: 'pong' });
      else connection.send({ id, type: 'result', success: true, result });
    } catch (error) {
      const fault = toApiError(error, params);
      if (fault.status >= 500) this.ctx.log.error({ err: error, type }, 'websocket command failed');
      connection.fail(id, fault.toBody());
    }
  }

  private async dispatch(
    connection: Connection,
    principal: Principal,
    id: number,
    type: string,
    params: Record<string, unknown>,
    approval: ApprovalRequest | null,
  ): Promise<unknown> {
    if (type === 'ping') return null;
    if (type === 'subscribe') {
      const topic = params.topic;
      if (!isTopic(topic)) {
        throw new ApiError('validation_failed', 'Unknown topic.', {
          topic: `one of ${Object.keys(TOPICS).join(', ')}`,
        });
      }
      await authorizeAction(this.ctx, principal, TOPICS[topic].permission, null);
      const held = connection.subscriptions.get(topic);
      if (held !== undefined) return { subscription: held };
      connection.subscriptions.set(topic, id);
      return { subscription: id };
    }
    if (type === 'unsubscribe') {
      const subscription = params.subscription;
      const topic = [...connection.subscriptions].find(([, held]) => held === subscription)?.[0];
      if (topic === undefined) {
        throw new ApiError('not_found', 'No such subscription on this connection.', {
          subscription: 'unknown',
        });
      }
      connection.subscriptions.delete(topic);
      return null;
    }
    const spec = this.commands.get(type);
    if (!spec) throw new ApiError('not_found', `Unknown command ${type}.`, { type: 'unknown command' });
    if (approval) this.limits.take('approval', connection.address);
    const approver = await authorizeAction(this.ctx, principal, spec.permission, approval);
    const checked = spec.params.safeParse(params);
    if (!checked.success) throw validationError(checked.error);
    return spec.handle({ ctx: this.ctx, principal, approver, approval, params: checked.data });
  }

  private deliver(event: StoreEvent): void {
    if (event.type === 'device.revoked') {
      // The device itself, and staff signed in on it.
      const { deviceId } = event.data;
      this.dropWhere((principal) => principal.deviceId === deviceId);
    }
    if (event.type === 'staff.changed') {
      const { staffId, active } = event.data;
      if (!active) this.dropWhere((p) => p.kind === 'staff' && p.staffId === staffId);
    }
    for (const connection of this.connections) {
      const principal = connection.principal;
      if (!principal || !receives(principal, event)) continue;
      const id = connection.subscriptions.get(event.type);
      if (id !== undefined) connection.send({ id, type: 'event', event });
    }
  }

  private dropWhere(match: (principal: Principal) => boolean): void {
    for (const connection of this.connections) {
      if (connection.principal && match(connection.principal))
        connection.close(CLOSE.unauthorized, 'revoked');
    }
  }

  private beat(): void {
    for (const connection of this.connections) {
      if (!connection.alive) {
        connection.socket.terminate();
        this.connections.delete(connection);
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
      if (connection.principal) {
        // Sessions also end by expiry while a client only listens.
        resolveToken(this.ctx, connection.token)
          .then((principal) => {
            if (!principal) connection.close(CLOSE.unauthorized, 'session expired');
          })
          .catch((error: unknown) => this.ctx.log.error({ err: error }, 'session check failed'));
      }
    }
  }
}

/**
 * A browser always sends Origin on a WebSocket upgrade: it must name this server (the Host
 * the page was loaded from). No Origin at all means no browser (the bridge, Node clients).
 */
export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === req.headers.host;
  } catch {
    return false;
  }
}

/** The frame's own id when it has a usable one, so its answer finds its request. */
function frameId(raw: unknown): number | null {
  const id = (raw as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'number' ? id : null;
}

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The id of a bare `{id, type: "ping"}` frame; undefined for anything else. */
function pingId(text: string): number | undefined {
  if (text.length > 100 || !text.includes('ping')) return undefined;
  try {
    const frame = JSON.parse(text) as { id?: unknown; type?: unknown };
    const bare = Object.keys(frame).every((key) => key === 'id' || key === 'type');
    return bare && frame.type === 'ping' && Number.isInteger(frame.id) ? (frame.id as number) : undefined;
  } catch {
    return undefined;
  }
}

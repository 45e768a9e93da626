import { request as httpRequest } from 'node:http';
import { WebSocket } from 'ws';
import type { DeviceKind, StaffRole } from '../protocol/roles.js';
import { OWNER_PASSWORD, type TestStore } from './harness.js';

/** A store the client can reach: a test store in this process, or a server process started apart. */
export type Reachable = Pick<TestStore, 'url'>;

export interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the server answered
  body: any;
  headers: Headers;
}

export interface CallOptions {
  token?: string | undefined;
  body?: unknown;
  /** Sent as is, for malformed bodies. */
  rawBody?: string;
  headers?: Record<string, string>;
}

/** One HTTP request to the test store. */
export async function call(
  store: Reachable,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(store.url + path, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: keep the text.
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/**
 * One HTTP request from another loopback address (127.0.0.2 …): the server sees a different
 * client, as it would a second PC of the shop or a stranger's phone on the Wi-Fi.
 */
export function callFrom(
  address: string,
  store: Reachable,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const request = httpRequest(store.url + path, { method, headers, localAddress: address }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        const replyHeaders = new Headers();
        for (const [name, value] of Object.entries(response.headers))
          if (typeof value === 'string') replyHeaders.set(name, value);
        resolve({
          status: response.statusCode ?? 0,
          body: text ? JSON.parse(text) : undefined,
          headers: replyHeaders,
        });
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}

export async function login(store: Reachable, username: string, password: string): Promise<string> {
  const reply = await call(store, 'POST', '/api/auth/login', { body: { username, password } });
  if (reply.status !== 200)
    throw new Error(`login ${username}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.token as string;
}

export const ownerToken = (store: Reachable): Promise<string> => login(store, 'owner', OWNER_PASSWORD);

/**
 * A download whose client reads its first chunk and then stops reading: resolves with the
 * status and a `leave` that drops the connection (a closed tab, a dropped download).
 */
export async function stalledDownload(
  store: Reachable,
  path: string,
  token: string,
): Promise<{ status: number | undefined; leave: () => void }> {
  const asked = httpRequest(`${store.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  asked.on('error', () => undefined);
  const status = await new Promise<number | undefined>((done) => {
    asked.on('response', (res) =>
      res.once('data', () => {
        res.pause();
        done(res.statusCode);
      }),
    );
    asked.end();
  });
  return { status, leave: () => asked.destroy() };
}

export interface TestStaff {
  id: string;
  username: string;
  password: string;
  pin: string;
  token: string;
}

let staffCounter = 0;

/** Adds a staff member of this role (with password and PIN) and signs them in. */
export async function addStaff(store: Reachable, owner: string, role: StaffRole): Promise<TestStaff> {
  staffCounter += 1;
  const username = `${role}${staffCounter}`;
  const password = `pass-${username}`;
  const pin = String(1000 + staffCounter).padStart(4, '0');
  const reply = await call(store, 'POST', '/api/staff', {
    token: owner,
    body: { username, name: `${role} ${staffCounter}`, role, password, pin },
  });
  if (reply.status !== 201) throw new Error(`add staff: ${reply.status} ${JSON.stringify(reply.body)}`);
  return { id: reply.body.id, username, password, pin, token: await login(store, username, password) };
}

/** Runs the whole pairing dance for a device and returns its token. */
export async function pairDevice(
  store: Reachable,
  owner: string,
  kind: DeviceKind,
  terminalId?: string,
): Promise<{ id: string; token: string }> {
  const started = await call(store, 'POST', '/api/devices/pairings', {
    body: { kind, name: `${kind} test` },
  });
  const approved = await call(store, 'POST', '/api/devices', {
    token: owner,
    body: { code: started.body.code, ...(terminalId && { terminalId }) },
  });
  if (approved.status !== 201) throw new Error(`pair: ${approved.status} ${JSON.stringify(approved.body)}`);
  const claimed = await call(store, 'POST', `/api/devices/pairings/${started.body.pairingId}/claim`, {
    body: { secret: started.body.secret },
  });
  return { id: approved.body.id, token: claimed.body.token };
}

/** A WebSocket client that queues what the server sends, for step-by-step assertions. */
export class TestSocket {
  readonly socket: WebSocket;
  // biome-ignore lint/suspicious/noExplicitAny: server messages of any shape
  private readonly inbox: any[] = [];
  // biome-ignore lint/suspicious/noExplicitAny: server messages of any shape
  private waiter: ((message: any) => void) | null = null;
  readonly closed: Promise<{ code: number; reason: string }>;
  private nextId = 1;

  constructor(store: Reachable, options: { autoPong?: boolean } = {}) {
    this.socket = new WebSocket(`${store.url.replace('http', 'ws')}/ws`, {
      autoPong: options.autoPong ?? true,
    });
    this.socket.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (this.waiter) this.waiter(message);
      else this.inbox.push(message);
    });
    this.closed = new Promise((resolve) =>
      this.socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  /** The next message from the server (fails the test after 5 s). */
  // biome-ignore lint/suspicious/noExplicitAny: server messages of any shape
  next(): Promise<any> {
    return this.waitFor(() => true);
  }

  /** The first message, queued or still to come, that matches; others stay queued. */
  // biome-ignore lint/suspicious/noExplicitAny: server messages of any shape
  waitFor(match: (message: any) => boolean): Promise<any> {
    const index = this.inbox.findIndex(match);
    if (index >= 0) return Promise.resolve(this.inbox.splice(index, 1)[0]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new Error('no matching message from the server within 5 s'));
      }, 5000);
      this.waiter = (message) => {
        if (!match(message)) {
          this.inbox.push(message);
          return;
        }
        clearTimeout(timer);
        this.waiter = null;
        resolve(message);
      };
    });
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Sends a request with a fresh id and returns the server's answer to it. */
  // biome-ignore lint/suspicious/noExplicitAny: server messages of any shape
  async request(type: string, params: Record<string, unknown> = {}): Promise<any> {
    const id = this.nextId++;
    this.send({ id, type, ...params });
    return this.waitFor((message) => message.id === id && message.type !== 'event');
  }

  /** Connects, reads the hello, authenticates; returns the auth answer. */
  // biome-ignore lint/suspicious/noExplicitAny: server messages of any shape
  static async open(store: Reachable, token: string): Promise<{ socket: TestSocket; hello: any; auth: any }> {
    const socket = new TestSocket(store);
    const hello = await socket.next();
    socket.send({ type: 'auth', token });
    const auth = await socket.next();
    return { socket, hello, auth };
  }

  close(): void {
    this.socket.close();
  }
}

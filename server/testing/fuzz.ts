import { request as httpRequest } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import fc from 'fast-check';
import { WebSocket } from 'ws';
import type { RouteSpec } from '../http/route.js';
import type { CommandSpec } from '../ws/command.js';
import type { TestStore } from './harness.js';
import { tableCounts } from './proofs.js';

/** One malformed HTTP request. */
export interface HttpCase {
  route: RouteSpec;
  path: string;
  contentType: string | null;
  body: string | null;
}

export interface FuzzFinding {
  what: string;
  status: number | string;
  detail: string;
}

const ODD_SEGMENTS = [
  '',
  '%',
  '%00',
  '%zz',
  '..',
  '%2e%2e%2f%2e%2e%2fconfig.json',
  '..%2f..%2fhanger.db',
  '%E4%B8',
  '%F0%9F%98%80',
  'a'.repeat(5000),
  '__proto__',
  'constructor',
  '-1',
  '1e309',
  'NaN',
  "' or 1=1 --",
  '%0d%0aSet-Cookie:x',
];

const oddString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(...ODD_SEGMENTS),
  fc.integer().map(String),
);

/** Values of every wrong type, nested a little. */
const wrongValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -1e308, '', ' ', '0', 'null', '{}', '[]'),
    oddString,
    fc.integer({ min: -(2 ** 53), max: 2 ** 53 }),
    fc.double({ noNaN: true }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(oddString, fc.constantFrom('__proto__', 'constructor', 'id', 'lines')),
      tie('value'),
      {
        maxKeys: 5,
      },
    ),
  ),
})).value;

function deep(depth: number, open: string, close: string, inner = '1'): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

/** A body that is wrong in one of many ways, with the content type it is sent as. */
const badBody: fc.Arbitrary<{ contentType: string | null; body: string | null }> = fc.oneof(
  wrongValue.map((value) => ({ contentType: 'application/json', body: JSON.stringify(value) ?? 'null' })),
  fc
    .record({ key: oddString, value: wrongValue }, { requiredKeys: ['key', 'value'] })
    .map(({ key, value }) => ({ contentType: 'application/json', body: JSON.stringify({ [key]: value }) })),
  fc
    .constantFrom(
      '{',
      '{"a":',
      '[1,2',
      'nul',
      '{"a":1}}',
      "{'a':1}",
      '\u0000',
      '{"a":"\\ud800"}',
      '{"__proto__":{"admin":true}}',
      '',
    )
    .map((body) => ({ contentType: 'application/json', body })),
  fc
    .integer({ min: 100, max: 20_000 })
    .map((depth) => ({ contentType: 'application/json', body: deep(depth, '[', ']') })),
  fc.integer({ min: 100, max: 10_000 }).map((depth) => ({
    contentType: 'application/json',
    body: deep(depth, '{"a":', '}'),
  })),
  fc.integer({ min: 1_000, max: 60_000 }).map((n) => ({
    contentType: 'application/json',
    body: `{"lines":[${Array.from({ length: n }, () => '{"skuId":"x","qty":1}')
      .join(',')
      .slice(0, 250_000)}]}`.replace(/,?[^,]*$/, ']}'),
  })),
  fc.constantFrom(300_000, 1_000_000).map((n) => ({
    contentType: 'application/json',
    body: JSON.stringify({ name: 'x'.repeat(n), id: 'y'.repeat(n) }),
  })),
  fc
    .constantFrom(
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'text/csv',
      'application/octet-stream',
      'application/xml',
    )
    .chain((contentType) =>
      fc
        .constantFrom(
          'a=1&b=2',
          '{"name":"x"}',
          '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--',
          'PK\u0003\u0004junk',
        )
        .map((body) => ({ contentType, body })),
    ),
  fc.constant({ contentType: null, body: null }),
);

const badQuery = fc
  .array(
    fc.tuple(
      fc.oneof(
        oddString,
        fc.constantFrom('limit', 'format', 'q', 'phone', 'before', 'from', 'dryRun', 'kind', 'a[]'),
      ),
      fc.oneof(oddString, fc.constantFrom('-1', '0', '99999999999', 'xlsx', 'json', 'true', '2026-13-45')),
    ),
    { maxLength: 4 },
  )
  .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));

function concrete(path: string, values: string[]): string {
  let i = 0;
  return path.replace(/:(\w+)/g, () => {
    const value = values[i++] ?? 'x';
    // Raw odd segments go as written; other strings are encoded like a client would.
    return ODD_SEGMENTS.includes(value) && /^[\x21-\x7e]*$/.test(value) ? value : encodeURIComponent(value);
  });
}

/** Whether Express + the route's schemas would accept it: those requests are real ones, not fuzz. */
function wouldPass(route: RouteSpec, path: string, contentType: string | null, body: string | null): boolean {
  const [pathname = '', search = ''] = path.split('?');
  const names = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1] ?? '');
  const pattern = new RegExp(`^${route.path.replace(/:(\w+)/g, '([^/]+)')}$`);
  const match = pattern.exec(pathname);
  if (!match) return false;
  let params: Record<string, string>;
  try {
    params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]));
  } catch {
    return false;
  }
  if (route.params && !route.params.safeParse(params).success) return false;
  if (route.query && !route.query.safeParse({ ...parseQuery(search) }).success) return false;
  if (route.body) {
    if (contentType !== 'application/json' || body === null) return false;
    try {
      // Express reads an empty JSON body as `{}`: a real request where every field is optional.
      if (!route.body.safeParse(JSON.parse(body === '' ? '{}' : body)).success) return false;
    } catch {
      return false;
    }
  }
  // Every schema accepts it (or the route has none, like logout): a real request, not fuzz.
  return true;
}

export function httpCases(routes: readonly RouteSpec[]): fc.Arbitrary<HttpCase> {
  return fc
    .record({
      route: fc.constantFrom(...routes),
      params: fc.array(oddString, { minLength: 3, maxLength: 3 }),
      query: badQuery,
      body: badBody,
    })
    .map(({ route, params, query, body }) => {
      const path = concrete(route.path, params) + (query ? `?${query}` : '');
      return { route, path, contentType: body.contentType, body: body.body };
    })
    .filter(({ route, path, contentType, body }) => !wouldPass(route, path, contentType, body));
}

export function send(
  store: TestStore,
  method: string,
  path: string,
  token: string | null,
  contentType: string | null,
  body: string | null,
): Promise<{ status: number; text: string }> {
  const { port } = new URL(store.url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (contentType) headers['content-type'] = contentType;
    if (body !== null) headers['content-length'] = Buffer.byteLength(body);
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => {
        if (text.length < 2000) text += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', (error) => resolve({ status: 0, text: `connection: ${error.message}` }));
    if (body !== null) req.write(body);
    req.end();
  });
}

/** How often each status came back in the last `fuzzHttp` run. */
export const statuses = new Map<number, number>();

/** Runs `runs` malformed requests with each token; returns every 5xx or dropped connection. */
export async function fuzzHttp(
  store: TestStore,
  routes: readonly RouteSpec[],
  tokens: (string | null)[],
  runs: number,
  seed: number,
): Promise<FuzzFinding[]> {
  const findings: FuzzFinding[] = [];
  const samples = fc.sample(httpCases(routes), { numRuns: runs, seed });
  statuses.clear();
  for (const token of tokens) {
    for (const c of samples) {
      const reply = await send(store, c.route.method.toUpperCase(), c.path, token, c.contentType, c.body);
      statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
      if (reply.status >= 500 || reply.status === 0) {
        findings.push({
          what: `${c.route.method.toUpperCase()} ${c.path.slice(0, 200)} [${c.contentType}] ${String(c.body).slice(0, 200)}`,
          status: reply.status,
          detail: reply.text.slice(0, 300),
        });
      }
    }
  }
  return findings;
}

/** A WebSocket client for the fuzzer: opens, authenticates and answers requests by id. */
class FuzzSocket {
  private readonly socket: WebSocket;
  private readonly waiting = new Map<number, (message: Record<string, unknown>) => void>();
  private nullWaiters: ((message: Record<string, unknown>) => void)[] = [];
  readonly ready: Promise<void>;
  closed = false;
  closeCode = 0;
  private rejectReady: (error: Error) => void = () => undefined;

  constructor(store: TestStore, token: string) {
    this.socket = new WebSocket(`${store.url.replace('http', 'ws')}/ws`);
    this.ready = new Promise((resolve, reject) => {
      this.rejectReady = reject;
      this.socket.on('message', (data) => {
        const message = JSON.parse(data.toString()) as Record<string, unknown>;
        if (message.type === 'hello') this.socket.send(JSON.stringify({ type: 'auth', token }));
        else if (message.type === 'auth_ok') resolve();
        else if (typeof message.id === 'number') this.waiting.get(message.id)?.(message);
        else this.nullWaiters.shift()?.(message);
      });
      this.socket.on('error', reject);
    });
    this.socket.on('close', (code) => {
      if (!this.closed) this.rejectReady(new Error(`socket closed (${code}) before auth_ok`));
      this.closed = true;
      this.closeCode = code;
      for (const done of this.waiting.values()) done({ type: 'closed', code });
      for (const done of this.nullWaiters) done({ type: 'closed', code });
    });
  }

  /** Sends a frame and waits for the answer to `id` (or to a frame without a usable id). */
  ask(frame: string, id: number | null): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ type: 'timeout' }), 5000);
      const done = (message: Record<string, unknown>) => {
        clearTimeout(timer);
        if (id !== null) this.waiting.delete(id);
        resolve(message);
      };
      if (id === null) this.nullWaiters.push(done);
      else this.waiting.set(id, done);
      this.socket.send(frame);
    });
  }

  close(): void {
    this.socket.close();
  }
}

/**
 * Malformed params for every command, and malformed frames: every frame gets an answer
 * (or, over 64 KB, a 1009 close), never `internal`. A frame the server happens to accept
 * is fine; the caller checks that nothing changed.
 */
export async function fuzzWs(
  store: TestStore,
  commands: readonly CommandSpec[],
  token: string,
  runs: number,
  seed: number,
): Promise<FuzzFinding[]> {
  const findings: FuzzFinding[] = [];
  const cases = fc.sample(
    fc.oneof(
      fc
        .record({
          command: fc.constantFrom(...commands),
          params: fc.dictionary(
            fc.oneof(
              oddString,
              fc.constantFrom('barcode', 'memberId', 'skuId', 'query', 'jobId', 'hardwareId', 'status'),
            ),
            wrongValue,
            { maxKeys: 4 },
          ),
        })
        .filter(({ command, params }) => !command.params.safeParse(params).success)
        .map(({ command, params }) => ({ kind: 'params' as const, type: command.type, params })),
      fc
        .constantFrom(
          '{',
          'null',
          '[]',
          '"x"',
          '{"id":"1","type":"session/info"}',
          '{"id":1}',
          '{"id":1,"type":""}',
        )
        .map((frame) => ({ kind: 'frame' as const, frame })),
      fc.integer({ min: 100, max: 5_000 }).map((depth) => ({
        kind: 'frame' as const,
        frame: `{"id":1,"type":"catalog/search","q":${deep(depth, '[', ']')}}`,
      })),
    ),
    { numRuns: runs, seed },
  );
  let socket = new FuzzSocket(store, token);
  await socket.ready;
  let nextId = 1;
  for (const c of cases) {
    if (socket.closed) {
      socket = new FuzzSocket(store, token);
      await socket.ready;
    }
    let frame: string;
    let id: number | null;
    if (c.kind === 'params') {
      id = nextId++;
      frame = JSON.stringify({ ...c.params, id, type: c.type });
    } else {
      frame = c.frame;
      const parsed = (() => {
        try {
          return JSON.parse(frame) as { id?: unknown };
        } catch {
          return null;
        }
      })();
      id = typeof parsed?.id === 'number' && Number.isInteger(parsed.id) && parsed.id > 0 ? parsed.id : null;
      if (id !== null) {
        frame = frame.replace(/"id":\d+/, `"id":${nextId}`);
        id = nextId++;
      }
    }
    const answer = await socket.ask(frame, id);
    const error = answer.error as { code?: string } | undefined;
    const bad =
      answer.type === 'timeout' ||
      (answer.type === 'closed' && answer.code !== 1009) ||
      error?.code === 'internal';
    if (bad) {
      findings.push({
        what: `${c.kind === 'params' ? c.type : 'frame'} ${frame.slice(0, 200)}`,
        status: String(answer.type === 'result' ? error?.code : answer.type),
        detail: JSON.stringify(answer).slice(0, 300),
      });
    }
  }
  // The socket still works.
  if (socket.closed) socket = new FuzzSocket(store, token);
  await socket.ready;
  const ping = await socket.ask(JSON.stringify({ id: nextId, type: 'ping' }), nextId);
  if (ping.type !== 'pong')
    findings.push({ what: 'ping after fuzzing', status: String(ping.type), detail: '' });
  socket.close();
  return findings;
}

/** Row counts without the tables a refused request may legitimately touch (none so far). */
export function stateOf(store: TestStore): Promise<Record<string, number>> {
  return tableCounts(store.ctx);
}

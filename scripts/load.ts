/**
 * `npm run load`: 20 checkout terminals and one admin against the real server process on a
 * fresh shop (seeded through the API), over loopback only. Each terminal is paired and signed
 * in with its cashier's PIN, then loops: three scans (`cart/add` over WebSocket), a member
 * lookup (HTTP), attaching the member (`cart/member`), a quote (HTTP `POST /api/sales/quote`),
 * the checkout (`cart/checkout`), and every tenth sale a return with a manager's approval. The
 * admin reads the day report, the low-stock list and the audit log. Prints p50/p99 per action,
 * the totals, every error and the server's resident memory at the end.
 *
 * LOAD_SECONDS (default 60), LOAD_TERMINALS (default 20), LOAD_MAX_LOOPS per terminal (default
 * 100000). Exit code 1 when any action failed.
 *
 * Rate limits (per IP, all of this runs from 127.0.0.1): the setup uses one password sign-in
 * per role, one pairing request and one claim per terminal (limits 30 and 60 at once) and one
 * PIN sign-in per terminal (limit 20 at once, then 20 a minute). More than 20 terminals wait
 * for the `Retry-After` the server answers, as a real terminal would; nothing is switched off.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { startServerProcess } from '../server/testing/process.js';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const TERMINALS = Number(process.env.LOAD_TERMINALS ?? 20);
const MAX_LOOPS = Number(process.env.LOAD_MAX_LOOPS ?? 100_000);
const PASSWORD = 'load-Owner-1357';
const MANAGER = { username: 'manager', password: 'load-Manager-1', pin: '9753' };

// biome-ignore lint/suspicious/noExplicitAny: whatever the server answered
type Json = any;

const timings = new Map<string, number[]>();
const errors: string[] = [];
let errorCount = 0;

async function timed<T>(action: string, run: () => Promise<T>): Promise<T | undefined> {
  const started = performance.now();
  try {
    const result = await run();
    const list = timings.get(action) ?? [];
    list.push(performance.now() - started);
    timings.set(action, list);
    return result;
  } catch (error) {
    errorCount += 1;
    if (errors.length < 20) errors.push(`${action}: ${(error as Error).message}`);
    return undefined;
  }
}

function client(base: string) {
  const http = async (method: string, path: string, body?: unknown, token?: string, headers = {}) => {
    for (;;) {
      const response = await fetch(base + path, {
        method,
        headers: {
          ...headers,
          ...(body !== undefined && { 'content-type': 'application/json' }),
          ...(token && { authorization: `Bearer ${token}` }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (response.status === 429) {
        // A sign-in door's rate limit: wait as told, as a terminal would.
        await new Promise((done) =>
          setTimeout(done, Number(response.headers.get('retry-after') ?? 1) * 1000),
        );
        continue;
      }
      if (response.status >= 300)
        throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
      return (text ? JSON.parse(text) : undefined) as Json;
    }
  };
  return http;
}

/** A terminal's WebSocket: request/answer by id. */
class Socket {
  private readonly waiting = new Map<number, (message: Json) => void>();
  private next = 1;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as Json;
      if (message.type === 'event' || message.id === undefined) return;
      this.waiting.get(message.id)?.(message);
      this.waiting.delete(message.id);
    });
  }

  static async open(url: string, token: string): Promise<Socket> {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`);
    const first = new Promise<Json>((done, fail) => {
      ws.once('message', (data) => done(JSON.parse(data.toString())));
      ws.once('error', fail);
    });
    await first; // hello
    const auth = new Promise<Json>((done) => ws.once('message', (data) => done(JSON.parse(data.toString()))));
    ws.send(JSON.stringify({ type: 'auth', token }));
    const answer = await auth;
    if (answer.success === false) throw new Error(`ws auth: ${JSON.stringify(answer)}`);
    return new Socket(ws);
  }

  request(type: string, params: Record<string, unknown> = {}): Promise<Json> {
    const id = this.next++;
    return new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`${type}: no answer within 30 s`)), 30_000);
      this.waiting.set(id, (message) => {
        clearTimeout(timer);
        if (message.success) done(message.result);
        else fail(new Error(`${type}: ${JSON.stringify(message.error)}`));
      });
      this.ws.send(JSON.stringify({ id, type, ...params }));
    });
  }
}

interface Shop {
  owner: string;
  barcodes: string[];
  members: { id: string; phone: string }[];
}

async function seed(http: ReturnType<typeof client>): Promise<Shop> {
  const owner = (await http('POST', '/api/auth/login', { username: 'owner', password: PASSWORD }))
    .token as string;
  await http('POST', '/api/staff', { ...MANAGER, name: '店长', role: 'manager' }, owner);
  const barcodes: string[] = [];
  const styles = [
    ['女装/连衣裙', 39900],
    ['女装/外套', 89900],
    ['女装/裤装', 25900],
    ['男装/衬衫', 19900],
    ['男装/裤装', 29900],
    ['童装', 12900],
  ] as const;
  for (const [i, [category, price]] of styles.entries()) {
    const product = await http(
      'POST',
      '/api/products',
      {
        styleCode: `L${i}`,
        name: `款式${i}`,
        category,
        price,
        colors: ['黑', '白', '蓝'],
        sizes: ['S', 'M', 'L', 'XL'],
      },
      owner,
    );
    const skus = product.skus as { id: string; barcode: string }[];
    // Some SKUs with little stock, so the low-stock list has something to say.
    const lines = skus.map((s, n) => ({ skuId: s.id, qty: n === 0 ? 2 : 100_000 }));
    await http('POST', '/api/stock/receipts', { lines }, owner);
    for (const s of skus.slice(1)) barcodes.push(s.barcode);
  }
  await http(
    'POST',
    '/api/promotions',
    { kind: 'spend_save', label: '满300减50', steps: [{ threshold: 30000, off: 5000 }], priority: 200 },
    owner,
  );
  const members: Shop['members'] = [];
  for (let i = 0; i < Math.max(50, TERMINALS * 2); i++) {
    const phone = `1380013${String(8000 + i).padStart(4, '0')}`;
    const member = await http('POST', '/api/members', { phone, name: `会员${i}` }, owner);
    await http(
      'POST',
      `/api/members/${member.id}/top-ups`,
      { id: randomUUID(), amount: 50_000_000, method: 'cash' },
      owner,
    );
    members.push({ id: member.id as string, phone });
  }
  return { owner, barcodes, members };
}

async function terminal(http: ReturnType<typeof client>, url: string, shop: Shop, n: number) {
  const cashier = { username: `cashier${n}`, password: `load-Cashier-${n}`, pin: String(1000 + n) };
  await http('POST', '/api/staff', { ...cashier, name: `收银${n}`, role: 'cashier' }, shop.owner);
  const pairing = await http('POST', '/api/devices/pairings', { kind: 'checkout', name: `收银台${n}` });
  await http('POST', '/api/devices', { code: pairing.code }, shop.owner);
  const device = await http('POST', `/api/devices/pairings/${pairing.pairingId}/claim`, {
    secret: pairing.secret,
  });
  const token = (
    await http(
      'POST',
      '/api/auth/pin',
      { username: cashier.username, pin: cashier.pin },
      device.token as string,
    )
  ).token as string;
  const socket = await Socket.open(url, token);
  // A till sells only with a shift open on it.
  await socket.request('shift/open', { openingFloat: 0 });
  const approval = { 'Hanger-Approval-User': MANAGER.username, 'Hanger-Approval-Pin': MANAGER.pin };
  return async (until: number) => {
    for (let loop = 0; loop < MAX_LOOPS && Date.now() < until; loop++) {
      let cart: Json;
      for (let i = 0; i < 3; i++) {
        const barcode = shop.barcodes[(loop * 3 + i + n) % shop.barcodes.length];
        cart = await timed('scan (ws cart/add)', () => socket.request('cart/add', { barcode }));
      }
      // Each terminal serves its own members: one customer is not at two tills at once (their
      // tier, and so the price, may change with each sale).
      const own = shop.members.filter((_, i) => i % TERMINALS === n - 1);
      const member = own[loop % own.length] as Shop['members'][number];
      const withMember = loop % 2 === 0;
      if (withMember) {
        await timed('member lookup (http)', () =>
          http('GET', `/api/members?phone=${member.phone}`, undefined, token),
        );
        cart = await timed('attach member (ws cart/member)', () =>
          socket.request('cart/member', { memberId: member.id }),
        );
      }
      const lines = ((cart?.lines ?? []) as { skuId: string; qty: number }[]).map((l) => ({
        skuId: l.skuId,
        qty: l.qty,
      }));
      const quote = await timed('quote (http)', () =>
        http('POST', '/api/sales/quote', { ...(withMember && { memberId: member.id }), lines }, token),
      );
      const total = (quote?.total ?? cart?.quote?.total ?? 0) as number;
      const payments = withMember
        ? [{ method: 'stored_value', amount: total }]
        : [{ method: 'cash', amount: Math.ceil(total / 10000) * 10000 || 10000 }];
      const paid = await timed('checkout (ws cart/checkout)', () =>
        socket.request('cart/checkout', { saleId: randomUUID(), payments, expectedTotal: total }),
      );
      if (paid && loop % 10 === 9) {
        const line = (paid.sale.lines as { skuId: string }[])[0];
        await timed('return (http, approved)', () =>
          http(
            'POST',
            `/api/sales/${paid.sale.id}/returns`,
            { id: randomUUID(), lines: [{ skuId: line?.skuId, qty: 1 }] },
            token,
            approval,
          ),
        );
      }
    }
    socket.ws.close();
  };
}

async function admin(http: ReturnType<typeof client>, owner: string, until: number) {
  for (let loop = 0; loop < MAX_LOOPS && Date.now() < until; loop++) {
    await timed('report: day (http)', () => http('GET', '/api/reports/day', undefined, owner));
    await timed('report: stock low (http)', () => http('GET', '/api/stock/low', undefined, owner));
    await timed('report: audit (http)', () => http('GET', '/api/audit?limit=50', undefined, owner));
    // An owner looks at a screen, not a loop: a pause between rounds.
    await new Promise((done) => setTimeout(done, 500));
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

const dataDir = mkdtempSync(join(tmpdir(), 'hanger-load-'));
const server = await startServerProcess(dataDir, { HANGER_OWNER_PASSWORD: PASSWORD });
let exit = 1;
try {
  const http = client(server.url);
  const shop = await seed(http);
  const loops: ((until: number) => Promise<void>)[] = [];
  for (let n = 1; n <= TERMINALS; n++) loops.push(await terminal(http, server.url, shop, n));
  console.log(`${TERMINALS} terminals paired and signed in; running for ${SECONDS} s…`);
  const started = performance.now();
  const until = Date.now() + SECONDS * 1000;
  await Promise.all([...loops.map((run) => run(until)), admin(http, shop.owner, until)]);
  const seconds = (performance.now() - started) / 1000;
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.child.pid}/status`, 'utf8'))?.[1];
  let total = 0;
  console.log('| action | count | p50 ms | p99 ms |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const [action, list] of [...timings].sort()) {
    const sorted = [...list].sort((a, b) => a - b);
    total += list.length;
    console.log(
      `| ${action} | ${list.length} | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 99).toFixed(1)} |`,
    );
  }
  console.log(
    `${total} actions in ${seconds.toFixed(1)} s (${(total / seconds).toFixed(0)}/s) by ${TERMINALS} terminals and 1 admin; ` +
      `errors ${errorCount}; server RSS at the end ${rss ? `${(Number(rss) / 1024).toFixed(0)} MB` : 'unknown'}`,
  );
  for (const error of errors) console.log(`  ERROR ${error}`);
  exit = errorCount === 0 ? 0 : 1;
} finally {
  server.child.kill('SIGTERM');
  await server.exited;
  rmSync(dataDir, { recursive: true, force: true });
}
process.exitCode = exit;

import { readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { KIOSK_DIST, ROUTES } from '../app.js';
import { call, ownerToken, pairDevice } from '../testing/client.js';
import { startTestStore, type TestStore } from '../testing/harness.js';
import { seedShop, tableCounts } from '../testing/proofs.js';
import { readCell, safeCell } from './cells.js';
import { SIGN_IN_LIMITS, TokenBuckets } from './rate-limit.js';

let store: TestStore;
let owner: string;
beforeAll(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
  await seedShop(store, owner);
});
afterAll(() => store.close());

/** A raw request, so paths reach the server exactly as written (fetch would normalise `..`). */
function rawGet(path: string, headers: Record<string, string> = {}) {
  const { port } = new URL(store.url);
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>(
    (resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET', headers }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString('latin1');
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

describe('security headers', () => {
  it.each([
    ['an API answer', '/api/health'],
    ['an API error', '/api/nowhere'],
    ['a screen', '/checkout'],
    ['a static file', `/assets/${readdirSync(join(KIOSK_DIST, 'assets'))[0]}`],
    ['a redirect', '/'],
  ])('are on %s', async (_what, path) => {
    const reply = await rawGet(path, { host: 'shop.local:8080' });
    expect(reply.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'cross-origin-opener-policy': 'same-origin',
    });
    const csp = String(reply.headers['content-security-policy']);
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "frame-ancestors 'none'",
      "object-src 'none'",
      "connect-src 'self' ws://shop.local:8080 wss://shop.local:8080",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(reply.headers['x-powered-by']).toBeUndefined();
  });

  it('never echo a forged Host into the policy', async () => {
    const reply = await rawGet('/api/health', { host: "evil.example; script-src 'unsafe-inline'" });
    const csp = String(reply.headers['content-security-policy']);
    expect(csp).not.toContain('evil.example');
    expect(csp).toContain("script-src 'self';");
  });
});

describe('the WebSocket origin check', () => {
  const open = (headers: Record<string, string>) =>
    new Promise<{ opened: boolean; status?: number }>((resolve) => {
      const socket = new WebSocket(`${store.url.replace('http', 'ws')}/ws`, { headers });
      socket.on('open', () => {
        socket.close();
        resolve({ opened: true });
      });
      socket.on('unexpected-response', (_req, res) => resolve({ opened: false, status: res.statusCode }));
      socket.on('error', () => undefined);
    });
  const host = () => new URL(store.url).host;

  it('lets in a page from this server and a client without Origin (bridge, Node)', async () => {
    expect(await open({ origin: `http://${host()}` })).toEqual({ opened: true });
    expect(await open({})).toEqual({ opened: true });
  });

  it.each(['http://evil.example', 'https://evil.example', 'http://127.0.0.1:1', 'null', 'file://'])(
    'refuses Origin %s with 403 at the upgrade',
    async (origin) => {
      expect(await open({ origin })).toEqual({ opened: false, status: 403 });
    },
  );
});

describe('rate limits on sign-in, PIN and pairing', () => {
  it('token buckets refill with time and say how long to wait', () => {
    let now = 0;
    const buckets = new TokenBuckets({ burst: 3, perMinute: 6 }, () => now);
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([0, 0, 0]);
    expect(buckets.take('a')).toBe(10);
    expect(buckets.take('b')).toBe(0); // per key
    now += 10_000;
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBe(10);
  });

  it('answer 429 with Retry-After once an address has tried too often; the account lockout stays', async () => {
    const fresh = await startTestStore();
    try {
      const statuses: number[] = [];
      let last: Awaited<ReturnType<typeof call>> | null = null;
      for (let i = 0; i < SIGN_IN_LIMITS.login.burst + 1; i += 1) {
        last = await call(fresh, 'POST', '/api/auth/login', {
          body: { username: 'owner', password: `wrong-${i}` },
        });
        statuses.push(last.status);
      }
      // Five wrong passwords lock the account (423) before the address runs out (429).
      expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
      expect(statuses).toContain(423);
      expect(statuses.at(-1)).toBe(429);
      expect(last?.body.error.code).toBe('too_many_requests');
      expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);

      const pairings: number[] = [];
      for (let i = 0; i < SIGN_IN_LIMITS.pairing.burst + 1; i += 1) {
        pairings.push(
          (await call(fresh, 'POST', '/api/devices/pairings', { body: { kind: 'lookup', name: 'k' } }))
            .status,
        );
      }
      expect(pairings[0]).toBe(201);
      expect(pairings.slice(0, -1)).not.toContain(429);
      expect(pairings.at(-1)).toBe(429);
    } finally {
      await fresh.close();
    }
  });

  it('limit the member PIN at the lookup kiosk and the staff PIN at the terminal', async () => {
    const fresh = await startTestStore();
    try {
      const freshOwner = await ownerToken(fresh);
      const kiosk = await pairDevice(fresh, freshOwner, 'lookup');
      const terminal = await pairDevice(fresh, freshOwner, 'checkout');
      const last = async (path: string, token: string, body: (i: number) => unknown, n: number) => {
        let status = 0;
        for (let i = 0; i < n; i += 1)
          status = (await call(fresh, 'POST', path, { token, body: body(i) })).status;
        return status;
      };
      expect(
        await last(
          '/api/self/lookup',
          kiosk.token,
          (i) => ({ phone: '13900001234', pin: String(1000 + i) }),
          SIGN_IN_LIMITS.memberPin.burst + 1,
        ),
      ).toBe(429);
      expect(
        await last(
          '/api/auth/pin',
          terminal.token,
          (i) => ({ username: 'nobody', pin: String(1000 + i) }),
          SIGN_IN_LIMITS.pin.burst + 1,
        ),
      ).toBe(429);
    } finally {
      await fresh.close();
    }
  });
});

describe('spreadsheet formula injection', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+86 138', "'+86 138"],
    ['-cmd|calc', "'-cmd|calc"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tTAB', "'\tTAB"],
    ['\rCR', "'\rCR"],
    ['-3', '-3'],
    ['+5.50', '+5.50'],
    ['连衣裙', '连衣裙'],
    ['a=b', 'a=b'],
    ['', ''],
  ])('%j is written as %j and read back unchanged', (cell, written) => {
    expect(safeCell(cell)).toBe(written);
    expect(readCell(String(safeCell(cell)))).toBe(cell);
  });

  it('numbers and empty cells pass through', () => {
    expect(safeCell(-3)).toBe(-3);
    expect(safeCell(null)).toBe(null);
  });

  it('is neutralised in the catalogue and member exports (CSV and XLSX)', async () => {
    await call(store, 'POST', '/api/products', {
      token: owner,
      body: {
        styleCode: 'EVIL1',
        name: '=HYPERLINK("http://evil")',
        brand: '@SUM(1)',
        price: 100,
        colors: ['-黑'],
        sizes: ['+M'],
      },
    });
    await call(store, 'POST', '/api/members', {
      token: owner,
      body: { phone: '13900009999', name: '=cmd|calc', notes: '+danger' },
    });
    const catalog = await call(store, 'GET', '/api/catalog/export?format=csv', { token: owner });
    expect(catalog.body).toContain(`"'=HYPERLINK(""http://evil"")"`);
    for (const cell of ["'@SUM(1)", "'-黑", "'+M"]) expect(catalog.body).toContain(cell);
    const members = await call(store, 'GET', '/api/members/export?format=csv', { token: owner });
    expect(members.body).toContain("'=cmd|calc");
    expect(members.body).toContain("'+danger");
    expect(members.body).not.toMatch(/,=cmd/);

    const ExcelJS = (await import('exceljs')).default;
    const xlsx = await fetch(`${store.url}/api/members/export?format=xlsx`, {
      headers: { authorization: `Bearer ${owner}` },
    });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await xlsx.arrayBuffer());
    const texts: string[] = [];
    book.worksheets[0]?.eachRow((row) => {
      row.eachCell((cell) => {
        texts.push(String(cell.value));
      });
    });
    expect(texts).toContain("'=cmd|calc");
    expect(texts.some((t) => /^[=+@]/.test(t))).toBe(false);
  });
});

describe('paths from requests', () => {
  const secrets = () => [
    readFileSync(join(store.dataDir, 'config.json'), 'utf8').slice(0, 40),
    'SQLite format 3',
    readFileSync('package.json', 'utf8').slice(0, 40),
  ];
  const traversals = [
    '../../../etc/passwd',
    '..%2f..%2f..%2fetc%2fpasswd',
    '%2e%2e%2f%2e%2e%2fpackage.json',
    '..%5c..%5cpackage.json',
    '....//....//package.json',
    '%252e%252e%252fpackage.json',
    '..%00/package.json',
  ];

  it.each(traversals)('cannot leave the screens folder: /%s', async (path) => {
    for (const prefix of ['/', '/assets/', '/admin/', '/checkout/../']) {
      const reply = await rawGet(prefix + path);
      expect(reply.status, prefix + path).toBeLessThan(500);
      expect(reply.status, prefix + path).not.toBe(200);
      for (const secret of secrets()) expect(reply.body).not.toContain(secret);
    }
  });

  it('cannot reach a file through any route parameter (photos, exports, labels…)', async () => {
    const before = await tableCounts(store.ctx);
    const withParams = ROUTES.filter((route) => route.path.includes(':') && route.method === 'get');
    expect(withParams.length).toBeGreaterThan(5);
    for (const route of withParams) {
      for (const value of traversals) {
        const path = route.path.replace(/:(\w+)/g, value);
        const reply = await rawGet(path, { authorization: `Bearer ${owner}` });
        expect(reply.status, path).toBeLessThan(500);
        for (const secret of secrets()) expect(reply.body, path).not.toContain(secret);
      }
    }
    const after = await tableCounts(store.ctx);
    delete before.audit_log;
    delete after.audit_log;
    expect(after).toEqual(before);
  });
});

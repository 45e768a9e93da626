/**
 * The crash test behind `npm run crash-test` and `scripts/crash-test.test.ts`: runs the real
 * server process on a fresh data folder, sends sales from several concurrent clients, kills the
 * process with SIGKILL at a random moment, restarts it on the same folder, and so on for a few
 * rounds. Then it checks, through the API and in the SQLite file itself, that every sale that
 * was answered 200/201 is there, that no sale is half-written, and that every balance and
 * on-hand figure equals its ledger.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { checkStockLedger } from '../server/domain/inventory/check.js';
import { checkLedgers } from '../server/domain/loyalty/check.js';
import type { Storage } from '../server/storage/database.js';
import { type ServerProcess, startServerProcess } from '../server/testing/process.js';
import { openTestDatabase } from '../server/testing/test-database.js';

const PASSWORD = 'crash-Owner-2468';

export interface CrashOptions {
  dataDir: string;
  rounds: number;
  /** Each round is killed at a random moment between half of this and all of it. */
  roundMs: number;
  clients: number;
  log?: (line: string) => void;
}

export interface CrashSummary {
  rounds: number;
  /** Sales sent (first attempts). */
  sent: number;
  /** Sales answered 201 or 200 (before a crash or on the resend after it). */
  acknowledged: number;
  /** Acknowledged sales found by GET /api/sales/:id after the last restart. */
  found: number;
  /** Sales whose answer was lost in a crash, sent again after the restart. */
  resent: number;
  /** Of those, how many the server already had (200): committed just before the kill. */
  resentAlreadyStored: number;
  salesInDatabase: number;
  problems: string[];
}

interface SaleRequest {
  id: string;
  body: Record<string, unknown>;
}

async function api(url: string, method: string, path: string, body?: unknown, token?: string) {
  const response = await fetch(url + path, {
    method,
    headers: {
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(token && { authorization: `Bearer ${token}` }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: whatever the server answered
  let parsed: any = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // keep the text
  }
  return { status: response.status, body: parsed };
}

async function must(url: string, method: string, path: string, body?: unknown, token?: string) {
  const reply = await api(url, method, path, body, token);
  if (reply.status >= 300)
    throw new Error(`${method} ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

interface Goods {
  skus: { id: string; price: number }[];
  members: string[];
}

async function seed(url: string, token: string): Promise<Goods> {
  const skus: Goods['skus'] = [];
  for (const [i, price] of [9900, 19900, 29900].entries()) {
    const product = await must(
      url,
      'POST',
      '/api/products',
      {
        styleCode: `CRASH${i}`,
        name: `压力测试款${i}`,
        category: '女装/T恤',
        price,
        colors: ['黑', '白'],
        sizes: ['S', 'M'],
      },
      token,
    );
    const ids = (product.skus as { id: string }[]).map((s) => s.id);
    await must(
      url,
      'POST',
      '/api/stock/receipts',
      { lines: ids.map((skuId) => ({ skuId, qty: 10000 })) },
      token,
    );
    for (const id of ids) skus.push({ id, price });
  }
  const members: string[] = [];
  for (let i = 0; i < 3; i++) {
    const member = await must(
      url,
      'POST',
      '/api/members',
      { phone: `1370000000${i}`, name: `会员${i}` },
      token,
    );
    await must(
      url,
      'POST',
      `/api/members/${member.id}/top-ups`,
      { id: randomUUID(), amount: 10_000_000, method: 'cash' },
      token,
    );
    members.push(member.id as string);
  }
  return { skus, members };
}

/**
 * A random sale of one to three lines, paid as a till pays it: the quoted total in cash, or for
 * a member part in stored value and the rest in cash (change is bounded, so no over-tendering).
 */
async function randomSale(goods: Goods, url: string, token: string): Promise<SaleRequest> {
  const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)] as T;
  const lines = Array.from({ length: 1 + Math.floor(Math.random() * 3) }, () => ({
    skuId: pick(goods.skus).id,
    qty: 1 + Math.floor(Math.random() * 2),
  }));
  const memberId = Math.random() < 0.5 ? null : pick(goods.members);
  const priced = { lines, ...(memberId && { memberId }) };
  const quote = await api(url, 'POST', '/api/sales/quote', priced, token);
  if (quote.status !== 200) throw new Error(`quote: ${quote.status} ${JSON.stringify(quote.body)}`);
  const total = quote.body.total as number;
  const stored = memberId ? Math.min(total, 500 + Math.floor(Math.random() * 1000)) : 0;
  const payments = [
    ...(stored > 0 ? [{ method: 'stored_value', amount: stored }] : []),
    ...(total > stored ? [{ method: 'cash', amount: total - stored }] : []),
  ];
  const id = randomUUID();
  return { id, body: { id, ...priced, payments } };
}

/** Checks in the database itself that every sale is whole. */
export async function halfSales(storage: Storage): Promise<{ sales: number; problems: string[] }> {
  const problems: string[] = [];
  const list = async (label: string, query: string) => {
    for (const row of (await sql.raw<Record<string, unknown>>(query).execute(storage.db)).rows) {
      problems.push(`${label}: ${JSON.stringify(row)}`);
    }
  };
  {
    await list(
      'sale without lines',
      'select id from sales s where not exists (select 1 from sale_lines l where l.sale_id = s.id)',
    );
    await list(
      'sale whose payments do not add up to what it says was paid',
      `select s.id, s.paid, coalesce((select sum(amount) from sale_payments p where p.sale_id = s.id), 0) as payments
         from sales s where s.paid <> coalesce((select sum(amount) from sale_payments p where p.sale_id = s.id), 0)`,
    );
    await list(
      'sale paid less than its total',
      'select id, paid, total, change from sales where paid - change <> total',
    );
    await list(
      'sale line without its stock movement',
      `select l.sale_id, l.sku_id, sum(l.qty) as sold,
              coalesce((select -sum(m.delta) from stock_movements m
                         where m.ref_type = 'sale' and m.ref_id = l.sale_id and m.sku_id = l.sku_id), 0) as moved
         from sale_lines l join sales s on s.id = l.sale_id
        where s.training = 0
        group by l.sale_id, l.sku_id
       having sum(l.qty) <> coalesce((select -sum(m.delta) from stock_movements m
                         where m.ref_type = 'sale' and m.ref_id = l.sale_id and m.sku_id = l.sku_id), 0)`,
    );
    await list(
      'stock movement of a sale that does not exist',
      `select m.id, m.ref_id from stock_movements m
        where m.ref_type = 'sale' and not exists (select 1 from sales s where s.id = m.ref_id)`,
    );
    await list(
      'stored-value payment without its ledger entry',
      `select p.sale_id, p.amount,
              coalesce((select -sum(e.principal_delta + e.bonus_delta) from stored_value_entries e
                         where e.ref_type = 'sale' and e.ref_id = p.sale_id), 0) as ledger
         from sale_payments p join sales s on s.id = p.sale_id
        where p.method = 'stored_value' and s.training = 0
          and p.amount <> coalesce((select -sum(e.principal_delta + e.bonus_delta) from stored_value_entries e
                                     where e.ref_type = 'sale' and e.ref_id = p.sale_id), 0)`,
    );
    await list(
      'stored-value entry of a sale that does not exist',
      `select e.id, e.ref_id from stored_value_entries e
        where e.ref_type = 'sale' and not exists (select 1 from sales s where s.id = e.ref_id)`,
    );
    await list(
      'sale line or payment without its sale',
      `select 'line' as what, id from sale_lines l where not exists (select 1 from sales s where s.id = l.sale_id)
       union all
       select 'payment', id from sale_payments p where not exists (select 1 from sales s where s.id = p.sale_id)`,
    );
    const counted = await sql<{ n: number }>`select count(*) as n from sales`.execute(storage.db);
    return { sales: Number(counted.rows[0]?.n), problems };
  }
}

export async function runCrashTest(options: CrashOptions): Promise<CrashSummary> {
  const log = options.log ?? (() => {});
  // LOG_LEVEL stays at info: startServerProcess waits for the line that says where it listens.
  const env = { HANGER_OWNER_PASSWORD: PASSWORD };
  const acknowledged = new Set<string>();
  /** Sent, no answer (the process died): resent after the restart. */
  const unanswered = new Map<string, SaleRequest>();
  const problems: string[] = [];
  let sent = 0;
  let resent = 0;
  let resentAlreadyStored = 0;

  let server: ServerProcess = await startServerProcess(options.dataDir, env);
  const token = (await must(server.url, 'POST', '/api/auth/login', { username: 'owner', password: PASSWORD }))
    .token as string;
  const goods = await seed(server.url, token);

  const resend = async () => {
    for (const request of unanswered.values()) {
      const reply = await api(server.url, 'POST', '/api/sales', request.body, token);
      resent += 1;
      if (reply.status === 200) resentAlreadyStored += 1;
      if (reply.status === 200 || reply.status === 201) acknowledged.add(request.id);
      else problems.push(`resent sale ${request.id}: ${reply.status} ${JSON.stringify(reply.body)}`);
    }
    unanswered.clear();
  };

  for (let round = 1; round <= options.rounds; round++) {
    if (round > 1) {
      server = await startServerProcess(options.dataDir, env);
      await resend();
    }
    const url = server.url;
    let killed = false;
    const client = async () => {
      while (!killed) {
        let request: SaleRequest;
        try {
          request = await randomSale(goods, url, token);
        } catch (error) {
          // fetch's TypeError: the server died while quoting, and nothing was sent for this sale.
          if (!(error instanceof TypeError)) problems.push(String(error));
          return;
        }
        sent += 1;
        unanswered.set(request.id, request);
        try {
          const reply = await api(url, 'POST', '/api/sales', request.body, token);
          if (reply.status === 200 || reply.status === 201) {
            acknowledged.add(request.id);
            unanswered.delete(request.id);
          } else if (reply.status < 500 || !killed) {
            // An answer that is not a crash: a refusal is a bug in this test or in the server.
            unanswered.delete(request.id);
            problems.push(`sale ${request.id}: ${reply.status} ${JSON.stringify(reply.body)}`);
          }
        } catch {
          // The connection died with the process: the answer is unknown.
          return;
        }
      }
    };
    const clients = Array.from({ length: options.clients }, client);
    const wait = options.roundMs / 2 + Math.random() * (options.roundMs / 2);
    await new Promise((done) => setTimeout(done, wait));
    const before = acknowledged.size;
    server.child.kill('SIGKILL');
    killed = true;
    await server.exited;
    await Promise.all(clients);
    log(
      `round ${round}: killed after ${Math.round(wait)} ms; ${acknowledged.size} sales acknowledged so far ` +
        `(${before} when the kill was sent), ${unanswered.size} without an answer`,
    );
  }

  // The last restart: resend what got no answer, then look up every acknowledged sale.
  server = await startServerProcess(options.dataDir, env);
  let found = 0;
  try {
    await resend();
    for (const id of acknowledged) {
      const reply = await api(server.url, 'GET', `/api/sales/${id}`, undefined, token);
      if (reply.status === 200 && reply.body.id === id) found += 1;
      else problems.push(`acknowledged sale ${id} missing: ${reply.status}`);
    }
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }

  const storage = await openTestDatabase(options.dataDir);
  let salesInDatabase: number;
  try {
    const whole = await halfSales(storage);
    salesInDatabase = whole.sales;
    problems.push(...whole.problems);
    const members = await checkLedgers(storage.db, new Date());
    for (const p of members.problems) {
      problems.push(`ledger: ${p.what} member ${p.memberId}: cached ${p.cached}, ledger ${p.ledger}`);
    }
    const stock = await checkStockLedger(storage.db);
    for (const m of stock.mismatches)
      problems.push(`ledger: on_hand ${m.skuId}: cached ${m.cached}, ledger ${m.ledger}`);
  } finally {
    await storage.close();
  }
  return {
    rounds: options.rounds,
    sent,
    acknowledged: acknowledged.size,
    found,
    resent,
    resentAlreadyStored,
    salesInDatabase,
    problems,
  };
}

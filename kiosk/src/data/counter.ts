import type { SaleSummary, SaleView } from '../../../server/protocol/sales.js';
import type { HangerConnection } from '../connection/connection.js';
import { type ApiAuth, call } from './http.js';

export type { SaleSummary } from '../../../server/protocol/sales.js';

type Approval = { username: string; pin: string };

/** The store's sales of today (by the server's clock), newest first, every page of them. */
export async function salesOfToday(auth: ApiAuth): Promise<SaleSummary[]> {
  const day = 'today';
  const items: SaleSummary[] = [];
  let before: string | undefined;
  for (let page = 0; page < 20; page++) {
    const found = await call<{ items: SaleSummary[]; nextBefore: string | null }>(auth, 'GET', '/api/sales', {
      query: { day, limit: 100, before },
    });
    items.push(...found.items);
    if (!found.nextBefore) break;
    before = found.nextBefore;
  }
  return items;
}

/** Sales by receipt number or by member (their whole history, newest first). */
export async function salesBy(
  auth: ApiAuth,
  find: { number: string } | { memberId: string },
): Promise<SaleSummary[]> {
  return (await call<{ items: SaleSummary[] }>(auth, 'GET', '/api/sales', { query: { ...find } })).items;
}

export function saleById(auth: ApiAuth, id: string): Promise<SaleView> {
  return call<SaleView>(auth, 'GET', `/api/sales/${encodeURIComponent(id)}`);
}

/** 作废: a sale of today while its shift is open; a cashier needs a manager's approval. */
export function voidSale(auth: ApiAuth, id: string, reason: string, approval?: Approval): Promise<SaleView> {
  return call<SaleView>(auth, 'POST', `/api/sales/${encodeURIComponent(id)}/void`, {
    body: { reason },
    ...(approval && { approval }),
  });
}

/** 补打: another copy of a receipt on this till's printer (a sale's receipt job is the sale's id). */
export function reprint(c: HangerConnection, jobId: string) {
  return c.request('print/reprint', { jobId });
}

/** The terminal this till signed in on, to tell its own sales from the store's. */
export async function thisTerminal(c: HangerConnection): Promise<string | null> {
  const { principal } = await c.request('session/info');
  return principal.kind === 'staff' ? principal.deviceId : null;
}

import { route } from '../../http/route.js';
import type { ChainLinkView, HeldRow, StoreLinkView } from '../../protocol/chain-link.js';
import { LINK_TIMES } from './link.js';
import { heldRows } from './queue.js';

/** A store that reaches head office reports at least every `reportMs`: three missed, and it is silent. */
export const STORE_SILENT_MS = 3 * LINK_TIMES.reportMs;

export const chainLinkRoutes = [
  route({
    method: 'get',
    path: '/api/chain/link',
    permission: 'sale.read',
    summary: "This store's link to head office: mode, offline sales waiting, rows held for a manager",
    handle: async ({ ctx }): Promise<ChainLinkView> => {
      const link = ctx.link;
      if (!link)
        return { mode: 'online', waiting: 0, held: 0, lastContact: null, copiedAt: null, heldRows: [] };
      const local = link.localCopy;
      return { ...(await link.status()), heldRows: local ? await heldRows(local.db) : [] };
    },
  }),
  route({
    method: 'get',
    path: '/api/chain/stores',
    permission: 'report.read',
    summary: "Each store's link to head office as it last reported it (head office's page)",
    handle: async ({ ctx }): Promise<StoreLinkView[]> => {
      const rows = await ctx.storage.db
        .selectFrom('stores')
        .leftJoin('store_links', 'store_links.store_id', 'stores.id')
        .select([
          'stores.id',
          'stores.code',
          'stores.name',
          'store_links.mode',
          'store_links.waiting',
          'store_links.held',
          'store_links.copied_at',
          'store_links.reported_at',
          'store_links.held_rows',
        ])
        .orderBy('stores.created_at')
        .orderBy('stores.id')
        .execute();
      const heard = ctx.now().getTime() - STORE_SILENT_MS;
      return rows.map((row) => ({
        storeId: row.id,
        code: row.code,
        name: row.name,
        mode: row.mode === 'online' || row.mode === 'offline' ? row.mode : null,
        waiting: row.waiting ?? 0,
        held: row.held ?? 0,
        copiedAt: row.copied_at,
        lastContact: row.reported_at,
        silent: row.reported_at !== null && Date.parse(row.reported_at) < heard,
        heldRows: row.held_rows ? (JSON.parse(row.held_rows) as HeldRow[]) : [],
      }));
    },
  }),
];

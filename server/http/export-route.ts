import { z } from 'zod';
import { recordAudit } from '../domain/audit/service.js';
import { assertStaff } from '../domain/staff/sessions.js';
import { ApiError } from '../errors.js';
import { exportTables, withSnapshot, writeCsvExport, writeJsonExport } from '../storage/export.js';
import { route } from './route.js';

export const exportQuery = z.strictObject({
  format: z.enum(['json', 'csv']).default('json'),
  /** With `format=csv`: the one table to export. */
  table: z
    .string()
    .regex(/^[a-z0-9_]{1,64}$/, 'a table name')
    .optional(),
});

/** The owner's full export: every table but sign-in secrets, as one JSON document or one table as CSV. */
export const exportRoutes = [
  route({
    method: 'get',
    path: '/api/export',
    permission: 'data.export',
    summary: 'Everything in the database except password, PIN and token hashes (JSON, or CSV per table)',
    query: exportQuery,
    handle: async ({ ctx, query, principal, res }) => {
      assertStaff(principal);
      const handle = ctx.storage.sqlite;
      if (!handle) {
        throw new ApiError(
          'business_rule',
          'This store keeps its data in PostgreSQL: head office exports it there (pg_dump), not here.',
        );
      }
      await withSnapshot(handle.name, async (db) => {
        const tables = exportTables(db);
        const table = query.table ? tables.find((t) => t.name === query.table) : undefined;
        if (query.format === 'csv' && !table) {
          throw new ApiError('validation_failed', 'A CSV export is one table: name it with `table`.', {
            'query.table': `one of ${tables.map((t) => t.name).join(', ')}`,
          });
        }
        await ctx.storage.write((trx) =>
          recordAudit(trx, ctx, {
            kind: 'data.exported',
            staffId: principal.staffId,
            detail: { format: query.format, ...(table && { table: table.name }) },
          }),
        );
        const day = ctx.now().toISOString().slice(0, 10);
        res.status(200);
        if (table) {
          res.type('text/csv; charset=utf-8').attachment(`hanger-${ctx.store.code}-${table.name}-${day}.csv`);
          await writeCsvExport(db, table, res);
        } else {
          res.type('application/json').attachment(`hanger-${ctx.store.code}-${day}.json`);
          await writeJsonExport(db, res, ctx.now());
        }
        res.end();
      });
      // A client that goes away ends the export (`ExportAbandoned`, which the error handler
      // logs) and lets its snapshot go: it kept the database's log from starting over.
    },
  }),
];

import { z } from 'zod';
import { route } from '../../../http/route.js';
import { assertStaff } from '../../staff/sessions.js';
import { flag } from '../schemas.js';
import { exportCatalog } from './export.js';
import { importCatalog } from './import.js';
import { CSV_TYPE, UPLOAD_LIMIT_BYTES, XLSX_TYPE } from './sheet.js';
import { readUpload } from './upload.js';

export const transferRoutes = [
  route({
    method: 'post',
    path: '/api/catalog/imports',
    permission: 'catalog.manage',
    summary: 'Import styles and SKUs from a CSV or XLSX body; dryRun=true checks and reports only',
    query: z.strictObject({
      dryRun: flag.default(false),
      /** Chosen by the client to follow the import.progress events of this import. */
      importId: z
        .string()
        .regex(/^[A-Za-z0-9-]{1,64}$/, 'letters, digits and dashes')
        .optional(),
    }),
    handle: async ({ ctx, query, req, principal }) => {
      assertStaff(principal);
      const file = await readUpload(req, UPLOAD_LIMIT_BYTES);
      return importCatalog(ctx, file, req.get('content-type') ?? '', query, principal.staffId);
    },
  }),
  route({
    method: 'get',
    path: '/api/catalog/export',
    permission: 'data.export',
    summary: 'The catalogue and stock on hand, one row per SKU, as CSV or XLSX',
    query: z.strictObject({ format: z.enum(['csv', 'xlsx']).default('csv') }),
    handle: async ({ ctx, query, res }) => {
      const file = await exportCatalog(ctx, query.format);
      const day = ctx.now().toISOString().slice(0, 10);
      res
        .status(200)
        .type(query.format === 'csv' ? `${CSV_TYPE}; charset=utf-8` : XLSX_TYPE)
        .attachment(`hanger-catalog-${ctx.store.code}-${day}.${query.format}`)
        .send(file);
    },
  }),
];

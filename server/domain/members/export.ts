import { setImmediate } from 'node:timers/promises';
import { stringify } from 'csv-stringify/sync';
import type { Response } from 'express';
import type { AppContext } from '../../context.js';
import { safeCell } from '../../http/cells.js';
import { roomFor, writeOut } from '../../http/download.js';
import { recordAudit } from '../audit/service.js';
import type { Actor } from '../loyalty/ledger-ref.js';
import { loadTiers } from '../loyalty/tiers.js';
import { filteredMembers, type MemberFilter } from './list.js';
import { birthdayText } from './view.js';

const HEADERS = [
  'number',
  'phone',
  'email',
  'name',
  'gender',
  'birthday',
  'tier',
  'points',
  'principal',
  'bonus',
  'tags',
  'notes',
  'createdAt',
];
const PAGE = 5000;
const XLSX_ROWS_AT_A_TIME = 500;

const yuan = (fen: number) => (fen / 100).toFixed(2);

/**
 * Streams every active member (or, with a filter, the store's members the admin's list shows)
 * as CSV or XLSX, page by page, with the import's column names (amounts in yuan), so an export
 * can be read back by the import.
 */
export async function exportMembers(
  ctx: AppContext,
  format: 'csv' | 'xlsx',
  res: Response,
  actor: Actor,
  filter: MemberFilter | null = null,
): Promise<void> {
  const tiers = new Map((await loadTiers(ctx.storage.db)).map((tier) => [tier.id, tier.code]));
  await ctx.storage.write((trx) =>
    recordAudit(trx, ctx, {
      kind: 'member.exported',
      staffId: actor.staffId,
      detail: filter ? { format, filter } : { format },
    }),
  );
  const stamp = ctx.now().toISOString().slice(0, 10);
  res.status(200);
  res.attachment(`members-${stamp}.${format}`);
  // ExcelJS is loaded when a workbook is first asked for, not at every server start.
  const excel = format === 'xlsx' ? (await import('exceljs')).default : null;
  const workbook = excel && new excel.stream.xlsx.WorkbookWriter({ stream: res, useSharedStrings: false });
  const sheet = workbook?.addWorksheet('members');
  if (sheet) sheet.addRow(HEADERS).commit();
  else res.type('text/csv; charset=utf-8').write(`\uFEFF${stringify([HEADERS])}`);
  let after = 0;
  for (;;) {
    const all = ctx.storage.db.selectFrom('members').selectAll('members');
    const rows = await (filter
      ? filteredMembers(ctx, all, filter)
      : all.where('members.status', '=', 'active')
    )
      .where('members.number', '>', after)
      .orderBy('members.number')
      .limit(PAGE)
      .execute();
    const lines = rows.map((row) =>
      [
        row.number,
        row.phone ?? '',
        row.email ?? '',
        row.name,
        row.gender ?? '',
        birthdayText(row) ?? '',
        tiers.get(row.tier_id) ?? '',
        row.points,
        yuan(row.stored_principal),
        yuan(row.stored_bonus),
        (JSON.parse(row.tags) as string[]).join(';'),
        row.notes,
        row.created_at,
      ].map(safeCell),
    );
    // A client that went away or stopped reading ends the export (`ExportAbandoned`). ExcelJS
    // keeps the whole workbook in memory until `commit`, so for XLSX that is only the first.
    if (sheet) {
      for (const [i, line] of lines.entries()) {
        sheet.addRow(line).commit();
        // Building rows takes ~50 µs each and the page's reads never wait for the network:
        // let the tills' requests (and a client's leaving) in every few hundred rows.
        if (i % XLSX_ROWS_AT_A_TIME === XLSX_ROWS_AT_A_TIME - 1) await setImmediate();
      }
      await roomFor(res);
    } else if (lines.length > 0) await writeOut(res, stringify(lines));
    if (rows.length < PAGE) break;
    after = rows.at(-1)?.number ?? after;
  }
  if (workbook) await workbook.commit();
  else res.end();
}

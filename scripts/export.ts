/**
 * `npm run export -- [folder]`: the owner's full export of the database under HANGER_DATA
 * into `<folder>/hanger-export-<time>/`: `export.json` (every table) and one CSV per table,
 * without password, PIN or token hashes. Safe while the server runs (one read snapshot).
 */
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { exportTables, withSnapshot, writeCsvExport, writeJsonExport } from '../server/storage/export.js';
import { dataFolder, runScript } from './data-folder.js';

await runScript(async () => {
  const { dbFile } = await dataFolder();
  if (!existsSync(dbFile)) throw new Error(`No database at ${dbFile}. Set HANGER_DATA to the data folder.`);
  const at = new Date();
  const folder = join(
    resolve(process.argv[2] ?? '.'),
    `hanger-export-${at.toISOString().replace(/[:.]/g, '-')}`,
  );
  mkdirSync(folder, { recursive: true });
  const tables = await withSnapshot(dbFile, async (db) => {
    const json = createWriteStream(join(folder, 'export.json'));
    await writeJsonExport(db, json, at);
    json.end();
    await finished(json);
    const all = exportTables(db);
    for (const table of all) {
      const csv = createWriteStream(join(folder, `${table.name}.csv`));
      await writeCsvExport(db, table, csv);
      csv.end();
      await finished(csv);
    }
    return all.length;
  });
  console.log(`Exported ${tables} tables to ${folder} (export.json and one CSV per table).`);
  return 0;
});

/**
 * Builds the SQLite VFS shim that writes a commit's WAL frames in a few writes
 * (`server/storage/wal-batch/`), run by `npm install`. Without a C compiler (or on Windows) it
 * says so and the server writes the WAL as SQLite does by itself; `npm install` goes on.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WAL_BATCH_LIBRARY } from '../server/storage/wal-batch/wal-batch.js';

const source = fileURLToPath(new URL('../server/storage/wal-batch/wal-batch.c', import.meta.url));
// The headers of the SQLite that better-sqlite3 is built with: the shim runs inside it.
const sqliteHeaders = join(
  dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')),
  'deps/sqlite3',
);

if (process.platform === 'win32') {
  process.stdout.write('wal-batch: not built on Windows; the server writes the WAL page by page\n');
} else {
  mkdirSync(dirname(WAL_BATCH_LIBRARY), { recursive: true });
  const compiler = process.env.CC ?? 'cc';
  const built = spawnSync(
    compiler,
    ['-O2', '-Wall', '-Wextra', '-fPIC', '-shared', '-I', sqliteHeaders, source, '-o', WAL_BATCH_LIBRARY],
    { stdio: 'inherit' },
  );
  if (built.status === 0) process.stdout.write(`wal-batch: built ${WAL_BATCH_LIBRARY}\n`);
  else
    process.stdout.write(
      `wal-batch: ${compiler} ${built.error ? 'not found' : 'failed'}; the server writes the WAL page by page\n`,
    );
}

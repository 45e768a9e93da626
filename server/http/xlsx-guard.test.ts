import { createDeflateRaw } from 'node:zlib';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { XLSX_TYPE } from '../domain/catalog/transfer/sheet.js';
import { call, ownerToken } from '../testing/client.js';
import { startTestStore, type TestStore } from '../testing/harness.js';
import { XLSX_LIMITS } from './xlsx-guard.js';

let store: TestStore;
let owner: string;
beforeEach(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
});
afterEach(() => store.close());

/** Deflates `repeat` copies of `chunk` without holding them all at once. */
async function deflated(chunk: Buffer, repeat: number): Promise<Buffer> {
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (part: Buffer) => out.push(part));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  for (let i = 0; i < repeat; i++)
    if (!deflate.write(chunk)) await new Promise((r) => deflate.once('drain', r));
  deflate.end();
  await done;
  return Buffer.concat(out);
}

/** A ZIP archive of one deflated part, as an XLSX's first worksheet. */
function zipOf(name: string, data: Buffer, size: number): Buffer {
  const nameBytes = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(size, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(size, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  const directoryAt = local.length + nameBytes.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + nameBytes.length, 12);
  end.writeUInt32LE(directoryAt, 16);
  return Buffer.concat([local, nameBytes, data, central, nameBytes, end]);
}

async function bomb(): Promise<Buffer> {
  const megabyte = Buffer.alloc(1024 * 1024, ' ');
  const megabytes = XLSX_LIMITS.unpackedBytes / megabyte.length + 64;
  // The size it declares is small: the check must not trust it.
  return zipOf('xl/worksheets/sheet1.xml', await deflated(megabyte, megabytes), 4096);
}

function upload(path: string, file: Buffer) {
  return call(store, 'POST', path, {
    token: owner,
    rawBody: file as unknown as string,
    headers: { 'content-type': XLSX_TYPE },
  });
}

describe('an XLSX zip bomb', () => {
  it.each(['/api/catalog/imports?dryRun=true', '/api/members/import?dryRun=true'])(
    '%s: refused with a 400 naming the file, and the server answers others meanwhile',
    async (path) => {
      const file = await bomb();
      expect(file.length).toBeLessThan(1024 * 1024);
      const order: string[] = [];
      const importing = upload(path, file).then((reply) => {
        order.push('import');
        return reply;
      });
      // Sent once the upload is in: the server must answer it while it looks at the bomb.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const health = call(store, 'GET', '/api/health').then((reply) => {
        order.push('health');
        return reply;
      });
      const [refused, healthy] = await Promise.all([importing, health]);
      expect(healthy.status).toBe(200);
      expect(refused.status).toBe(400);
      expect(refused.body.error.fields).toEqual({ file: 'it unpacks to more than 96 MB' });
      expect(order).toEqual(['health', 'import']);
    },
  );

  it('more rows than an import takes is refused before parsing', async () => {
    const rows = await deflated(Buffer.from('<row r="1"/>'.repeat(1000)), 201);
    const reply = await upload('/api/members/import?dryRun=true', zipOf('xl/worksheets/sheet1.xml', rows, 0));
    expect(reply.status).toBe(400);
    expect(reply.body.error.fields).toEqual({ file: 'more than 200000 rows' });
  });
});

/** A real workbook of `count` rows of notes: large to parse, and refused at once after (no phone column). */
async function notesWorkbook(count: number): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('备注');
  sheet.addRow(['备注', '来源']);
  for (let i = 0; i < count; i++) sheet.addRow([`第 ${i} 位顾客的备注`, `门店 ${i % 7}`]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('a large workbook', () => {
  it('parses off the main thread: the server answers others meanwhile', { timeout: 120_000 }, async () => {
    const file = await notesWorkbook(40_000);
    let done = false;
    const importing = upload('/api/members/import?dryRun=true', file).finally(() => {
      done = true;
    });
    // Health checks one after another while the workbook is read: the slowest answer tells
    // how long the event loop was held.
    const waits: number[] = [];
    while (!done) {
      const started = performance.now();
      expect((await call(store, 'GET', '/api/health')).status).toBe(200);
      waits.push(performance.now() - started);
    }
    const refused = await importing;
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields).toEqual({ 'header.phone': expect.stringContaining('missing') });
    expect(waits.length).toBeGreaterThan(5);
    // Parsed on the main thread, the slowest answer waited 1.8 s (2 busy cores); off it, 0.7 s.
    expect(Math.max(...waits)).toBeLessThan(1000);
  });
});

import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, ownerToken, TestSocket } from '../../../testing/client.js';
import { startTestStore, type TestStore } from '../../../testing/harness.js';
import { fenToYuan, yuanToFen } from './columns.js';
import { XLSX_TYPE } from './sheet.js';

let store: TestStore;
let owner: string;
beforeAll(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
});
afterAll(() => store.close());

async function counts() {
  const result: Record<string, number> = {};
  for (const table of ['styles', 'skus', 'categories', 'colors', 'catalog_counters', 'audit_log'] as const) {
    const row = await store.ctx.storage.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    result[table] = Number(row.n);
  }
  return result;
}

async function upload(body: string | Buffer, type: string, query = '') {
  const response = await fetch(`${store.url}/api/catalog/imports${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${owner}`, 'content-type': type },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return { status: response.status, body: await response.json() };
}

const GOOD = [
  '款号,品名,类别,颜色,尺码,条码,零售价,吊牌价,成本价,品牌,季节,年份',
  'IM-001,法式碎花连衣裙,女装/连衣裙,黑,S,6901234567892,299,399,120.5,Hanger,夏,2026',
  'IM-001,法式碎花连衣裙,女装/连衣裙,黑,M,,299,,,,,',
  'IM-002,直筒牛仔裤,男装/裤装,蓝|黑,"28,29,30",,199.90,,,,,',
].join('\n');

describe('import', () => {
  it('converts yuan to fen exactly', () => {
    expect(yuanToFen('299')).toBe(29900);
    expect(yuanToFen('199.9')).toBe(19990);
    expect(yuanToFen('¥1,299.05')).toBe(129905);
    expect(yuanToFen('12.345')).toBeNull();
    expect(yuanToFen('-5')).toBeNull();
    expect(fenToYuan(19990)).toBe('199.90');
  });

  it('a dry run reports every bad row with line, column and reason, and imports nothing', async () => {
    const file = [
      'styleCode,name,color,size,barcode,price',
      'DRY-1,好款,黑,S,,abc',
      'DRY-1,好款,黑,S,,100',
      'DRY-2,,白,M,6901234567890,100',
      'DRY-3,衬衫,红|白,M,12345670,100',
      'DRY-4,长名,黑,M,,100',
      'DRY-4,另一个名字,白,M,,100',
      'DRY-5,正常,黑,M,,100',
    ].join('\n');
    const before = await counts();
    const reply = await upload(file, 'text/csv', '?dryRun=true');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ dryRun: true, rows: 7, moreProblems: 0 });
    expect(reply.body.problems).toEqual([
      { line: 2, column: 'F (price)', reason: 'not an amount in yuan such as 299 or 299.90' },
      { line: 4, column: 'B (name)', reason: 'required' },
      { line: 4, column: 'E (barcode)', reason: 'the check digit is wrong' },
      { line: 5, column: 'E (barcode)', reason: 'one barcode cannot go on several colours or sizes' },
      { line: 7, column: 'B (name)', reason: 'differs from line 6 of the same style' },
    ]);
    expect(await counts()).toEqual(before);
  });

  it('refuses a real run with any bad row (422, rows named) and imports nothing', async () => {
    const before = await counts();
    const reply = await upload(`${GOOD}\nIM-003,坏行,女装,黑,M,,免费`, 'text/csv');
    expect(reply.status).toBe(422);
    expect(reply.body.error.fields).toEqual({
      'line 5, G (零售价)': 'not an amount in yuan such as 299 or 299.90',
    });
    expect(await counts()).toEqual(before);
    expect((await call(store, 'GET', '/api/products?q=im-00', { token: owner })).body.items).toEqual([]);
  });

  it('imports one row per SKU and one row per style with lists, in one go, with progress events', async () => {
    const { socket } = await TestSocket.open(store, owner);
    await socket.request('subscribe', { topic: 'import.progress' });
    const reply = await upload(GOOD, 'text/csv; charset=utf-8', '?importId=imp-1');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      importId: 'imp-1',
      dryRun: false,
      rows: 3,
      newStyles: 2,
      newSkus: 8,
      problems: [],
    });
    const done = await socket.waitFor(
      (m) => m.event?.type === 'import.progress' && m.event.data.phase === 'done',
    );
    expect(done.event.data).toMatchObject({ importId: 'imp-1', done: 3, total: 3 });
    socket.close();

    const scan = await call(store, 'GET', '/api/skus/by-barcode/6901234567892', { token: owner });
    expect(scan.body).toMatchObject({
      styleCode: 'IM-001',
      color: '黑',
      size: 'S',
      price: 29900,
      tagPrice: 39900,
    });
    const jeans = await call(store, 'GET', '/api/products?q=im-002', { token: owner });
    const style = await call(store, 'GET', `/api/products/${jeans.body.items[0].id}`, { token: owner });
    expect(style.body).toMatchObject({
      colors: ['蓝', '黑'],
      sizes: ['28', '29', '30'],
      price: 19990,
      category: { path: '男装 › 裤装' },
    });
    expect(style.body.skus).toHaveLength(6);
    expect((await call(store, 'GET', '/api/products?q=ztnzk', { token: owner })).body.items).toHaveLength(1);

    // The same file again changes nothing; a new size for an existing style is added.
    const again = await upload(`${GOOD}\nIM-001,法式碎花连衣裙,,黑,L,,299`, 'text/csv');
    expect(again.body).toMatchObject({ newStyles: 0, extendedStyles: 1, newSkus: 1, unchangedSkus: 8 });
    const audit = await call(store, 'GET', '/api/audit?kind=catalog.imported', { token: owner });
    expect(audit.body.items).toHaveLength(2);
  });

  it('reads XLSX, and an export imports back unchanged', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('款式');
    sheet.addRow(['款号', '品名', '颜色', '尺码', '零售价', '条码']);
    sheet.addRow(['XL-1', '羊绒围巾', '驼', '均码', 259.9, 6921234567890]);
    const file = Buffer.from(await workbook.xlsx.writeBuffer());
    const reply = await upload(file, XLSX_TYPE);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ format: 'xlsx', newSkus: 1 });
    expect(
      (await call(store, 'GET', '/api/skus/by-barcode/6921234567890', { token: owner })).body.price,
    ).toBe(25990);

    for (const format of ['csv', 'xlsx'] as const) {
      const response = await fetch(`${store.url}/api/catalog/export?format=${format}`, {
        headers: { authorization: `Bearer ${owner}` },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-disposition')).toContain(`.${format}`);
      const exported = Buffer.from(await response.arrayBuffer());
      const back = await upload(exported, format === 'csv' ? 'text/csv' : XLSX_TYPE, '?dryRun=1');
      expect(back.body).toMatchObject({ problems: [], newSkus: 0, unchangedSkus: 10 });
    }
  });

  it.each([
    [
      'a PNG sent as CSV',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
      'text/csv',
      'file',
    ],
    ['text sent as XLSX', 'styleCode,name\nA,B', XLSX_TYPE, 'file'],
    ['a broken ZIP sent as XLSX', Buffer.from('PK\u0003\u0004 not really a zip at all'), XLSX_TYPE, 'file'],
    ['a CSV with an unclosed quote', 'styleCode,name,color,size,price\nA,"B,黑,M,1\n', 'text/csv', 'line 2'],
    ['an empty file', '', 'text/csv', 'file'],
    ['a plain-text upload', 'hello', 'text/plain', 'Content-Type'],
    ['a JSON body', JSON.stringify({ rows: [] }), 'application/json', 'Content-Type'],
    ['a CSV missing required columns', 'styleCode,name\nA,B', 'text/csv', null],
  ])('refuses %s with a clear 400 and changes nothing', async (_case, body, type, field) => {
    const before = await counts();
    const reply = await upload(body, type);
    if (field === null) {
      expect(reply.status).toBe(422);
      expect(Object.keys(reply.body.error.fields)).toEqual([
        'line 1, color',
        'line 1, size',
        'line 1, price',
      ]);
    } else {
      expect(reply.status).toBe(400);
      expect(Object.keys(reply.body.error.fields)).toContain(field);
    }
    expect(await counts()).toEqual(before);
  });

  it('refuses an upload over the size limit with a 400', async () => {
    const before = await counts();
    const reply = await upload(`styleCode,name\n${'x'.repeat(33 * 1024 * 1024)}`, 'text/csv');
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('payload_too_large');
    expect(await counts()).toEqual(before);
  });
});

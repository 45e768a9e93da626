import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStaff, call, ownerToken, pairDevice } from '../../testing/client.js';
import { startTestStore, type TestStore } from '../../testing/harness.js';
import { gtinCheckDigit, inStoreEan13, isValidGtin } from './barcodes.js';
import { markdownPrice } from './prices.js';

let store: TestStore;
let owner: string;
beforeAll(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
});
afterAll(() => store.close());

/** Row counts of the catalogue tables: bad input must leave them as they were. */
async function counts(): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of ['styles', 'skus', 'categories', 'colors', 'price_changes', 'audit_log'] as const) {
    const row = await store.ctx.storage.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    result[table] = Number(row.n);
  }
  return result;
}

let codeCounter = 0;
const nextCode = () => `T${String(++codeCounter).padStart(4, '0')}`;

async function newStyle(body: Record<string, unknown> = {}) {
  const reply = await call(store, 'POST', '/api/products', {
    token: owner,
    body: {
      styleCode: nextCode(),
      name: '法式碎花连衣裙',
      category: '女装/连衣裙',
      price: 29900,
      colors: ['黑', '白'],
      sizes: ['S', 'M', 'L'],
      ...body,
    },
  });
  if (reply.status !== 201) throw new Error(`create: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

describe('EAN-13', () => {
  it('computes the GS1 check digit', () => {
    expect(gtinCheckDigit('400638133393')).toBe(1);
    expect(isValidGtin('4006381333931')).toBe(true);
    expect(isValidGtin('4006381333932')).toBe(false);
    expect(isValidGtin('96385074')).toBe(true);
    expect(inStoreEan13(1)).toBe('2000000000015');
  });
});

describe('POST /api/products', () => {
  it('makes one SKU per colour × size, each with a unique valid in-store EAN-13', async () => {
    const styleCode = nextCode();
    const reply = await call(store, 'POST', '/api/products', {
      token: owner,
      body: {
        styleCode,
        name: '基础T恤',
        category: '女装 › T恤',
        price: 9900,
        colors: ['黑', '白'],
        sizes: ['S', 'M', 'L'],
      },
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ id: expect.any(String), styleCode });
    const skus = reply.body.skus as {
      id: string;
      barcode: string;
      color: string;
      size: string;
      price: number;
    }[];
    expect(skus.map((s) => `${s.color}/${s.size}`)).toEqual(['黑/S', '黑/M', '黑/L', '白/S', '白/M', '白/L']);
    expect(new Set(skus.map((s) => s.barcode)).size).toBe(6);
    for (const sku of skus) {
      expect(sku.barcode).toMatch(/^20\d{11}$/);
      expect(isValidGtin(sku.barcode)).toBe(true);
      expect(sku.price).toBe(9900);
    }
    expect(reply.body.category.path).toBe('女装 › T恤');
  });

  it("keeps a supplier's barcode and generates the rest", async () => {
    const style = await newStyle({ barcodes: [{ color: '白', size: 'M', barcode: '6901234567892' }] });
    const white = style.skus.find((s: { color: string; size: string }) => s.color === '白' && s.size === 'M');
    expect(white.barcode).toBe('6901234567892');
    const lookup = await call(store, 'GET', '/api/skus/by-barcode/6901234567892', { token: owner });
    expect(lookup.status).toBe(200);
    expect(lookup.body).toMatchObject({
      id: white.id,
      barcode: '6901234567892',
      styleCode: style.styleCode,
      name: '法式碎花连衣裙',
      color: '白',
      size: 'M',
      price: 29900,
      stock: 0,
    });
  });

  it.each([
    ['a duplicate style code', () => ({ styleCode: 'DUP-1' }), 409, 'body.styleCode'],
    [
      'a barcode already in use',
      () => ({ barcodes: [{ color: '黑', size: 'S', barcode: '6901234567892' }] }),
      409,
      'body.barcodes.0.barcode',
    ],
    [
      'the same barcode twice',
      () => ({
        barcodes: [
          { color: '黑', size: 'S', barcode: 'ABC-1234' },
          { color: '黑', size: 'M', barcode: 'ABC-1234' },
        ],
      }),
      409,
      'body.barcodes.1.barcode',
    ],
    [
      'a colour outside the style',
      () => ({ barcodes: [{ color: '红', size: 'S', barcode: 'ABC-123' }] }),
      400,
      'body.barcodes.0.color',
    ],
    [
      'a size outside the style',
      () => ({ barcodes: [{ color: '黑', size: 'XXL', barcode: 'ABC-124' }] }),
      400,
      'body.barcodes.0.size',
    ],
    [
      'an EAN-13 with a wrong check digit',
      () => ({ barcodes: [{ color: '黑', size: 'S', barcode: '6901234567890' }] }),
      400,
      'body.barcodes.0.barcode',
    ],
    ['a negative price', () => ({ price: -1 }), 400, 'body.price'],
    ['a price in yuan with decimals', () => ({ price: 299.5 }), 400, 'body.price'],
    ['an over-long name', () => ({ name: '长'.repeat(61) }), 400, 'body.name'],
    ['a colour listed twice', () => ({ colors: ['黑', '黑'] }), 400, 'body.colors'],
    ['no sizes', () => ({ sizes: [] }), 400, 'body.sizes'],
    [
      'a size outside its size group',
      () => ({ sizeGroup: 'tops', sizes: ['S', 'M', '42'] }),
      400,
      'body.sizes',
    ],
    ['an unknown field', () => ({ discount: 10 }), 400, 'body.discount'],
  ])('refuses %s, naming the field, and changes nothing', async (_case, extra, status, field) => {
    if (field === 'body.styleCode') await newStyle({ styleCode: 'DUP-1' }).catch(() => undefined);
    const before = await counts();
    const reply = await call(store, 'POST', '/api/products', {
      token: owner,
      body: {
        styleCode: nextCode(),
        name: '衬衫',
        price: 19900,
        colors: ['黑', '白'],
        sizes: ['S', 'M'],
        ...extra(),
      },
    });
    expect(reply.status).toBe(status);
    expect(Object.keys(reply.body.error.fields)).toContain(field);
    expect(await counts()).toEqual(before);
  });

  it('adds new colours to the palette, and size groups come with defaults', async () => {
    await newStyle({ colors: ['雾霾蓝'] });
    const colors = await call(store, 'GET', '/api/colors', { token: owner });
    expect(colors.body.items).toContain('雾霾蓝');
    expect(colors.body.items).toContain('黑');
    const groups = await call(store, 'GET', '/api/size-groups', { token: owner });
    expect(groups.body.items.map((g: { code: string }) => g.code)).toEqual([
      'tops',
      'bottoms',
      'shoes',
      'kids',
    ]);
    expect(groups.body.items[3].sizes).toEqual(['90', '100', '110', '120', '130', '140', '150', '160']);
    const saved = await call(store, 'PUT', '/api/size-groups/bras', {
      token: owner,
      body: { name: '内衣', sizes: ['70A', '70B', '75A'] },
    });
    expect(saved.status).toBe(200);
    const style = await newStyle({ sizeGroup: 'bras', sizes: ['70A', '75A'], colors: ['黑'] });
    expect(style.skus).toHaveLength(2);
  });
});

describe('barcode lookup', () => {
  it('says so when a scanned code is unknown', async () => {
    const reply = await call(store, 'GET', '/api/skus/by-barcode/2999999999999', { token: owner });
    expect(reply.status).toBe(404);
    expect(reply.body.error).toMatchObject({ code: 'not_found', fields: { barcode: 'unknown barcode' } });
    expect(reply.body.error.message).toContain('2999999999999');
  });

  it('works for the lookup kiosk, which never sees the cost', async () => {
    const kiosk = await pairDevice(store, owner, 'lookup');
    const style = await newStyle({ cost: 12000 });
    const scan = await call(store, 'GET', `/api/skus/by-barcode/${style.skus[0].barcode}`, {
      token: kiosk.token,
    });
    expect(scan.status).toBe(200);
    expect(scan.body).not.toHaveProperty('cost');
    const detail = await call(store, 'GET', `/api/products/${style.id}`, { token: kiosk.token });
    expect(detail.body.cost).toBeNull();
    const asOwner = await call(store, 'GET', `/api/products/${style.id}`, { token: owner });
    expect(asOwner.body.cost).toBe(12000);
    const create = await call(store, 'POST', '/api/products', { token: kiosk.token, body: {} });
    expect(create.status).toBe(403);
  });
});

describe('editing a style', () => {
  it("keeps the form's brand, season, year, supplier, cost and low-stock threshold", async () => {
    const style = await newStyle({
      brand: '衣架',
      season: '春夏',
      year: 2026,
      supplier: '杭州四季服饰',
      cost: 9000,
      lowStockThreshold: 3,
    });
    expect(style).toMatchObject({
      brand: '衣架',
      season: '春夏',
      year: 2026,
      supplier: '杭州四季服饰',
      cost: 9000,
      lowStockThreshold: 3,
    });
    const changed = await call(store, 'PATCH', `/api/products/${style.id}`, {
      token: owner,
      body: { supplier: '广州白马批发', lowStockThreshold: null },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ supplier: '广州白马批发', lowStockThreshold: null, brand: '衣架' });
    const cleared = await call(store, 'PATCH', `/api/products/${style.id}`, {
      token: owner,
      body: { supplier: null },
    });
    expect(cleared.body.supplier).toBeNull();
  });

  it('adds colours and sizes as new SKUs; removing one with history deactivates, without deletes', async () => {
    const style = await newStyle({ colors: ['黑'], sizes: ['S', 'M'] });
    const blackS = style.skus[0];
    await call(store, 'POST', '/api/stock/receipts', {
      token: owner,
      body: { lines: [{ skuId: blackS.id, qty: 2 }] },
    });
    const added = await call(store, 'PATCH', `/api/products/${style.id}`, {
      token: owner,
      body: {
        addColors: ['红'],
        addSizes: ['L'],
        barcodes: [{ color: '红', size: 'L', barcode: 'SUP-RED-L' }],
      },
    });
    expect(added.status).toBe(200);
    expect(added.body.skus.map((s: { color: string; size: string }) => `${s.color}/${s.size}`)).toEqual([
      '黑/S',
      '黑/M',
      '黑/L',
      '红/S',
      '红/M',
      '红/L',
    ]);
    expect(added.body.skus.find((s: { color: string }) => s.color === '红' && true).barcode).toMatch(/^20/);
    expect(added.body.skus.at(-1).barcode).toBe('SUP-RED-L');

    const removed = await call(store, 'PATCH', `/api/products/${style.id}`, {
      token: owner,
      body: { removeSizes: ['S'] },
    });
    expect(removed.status).toBe(200);
    const skus = removed.body.skus as { id: string; size: string; active: boolean }[];
    // 黑/S had stock: kept, inactive. 红/S never moved: gone.
    expect(skus.filter((s) => s.size === 'S').map((s) => [s.id, s.active])).toEqual([[blackS.id, false]]);
    expect(removed.body.sizes).toEqual(['S', 'M', 'L']);

    const readd = await call(store, 'PATCH', `/api/products/${style.id}`, {
      token: owner,
      body: { addSizes: ['S'] },
    });
    expect(
      readd.body.skus.filter((s: { size: string; active: boolean }) => s.size === 'S' && s.active),
    ).toHaveLength(2);
  });

  it('refuses to remove a colour the style does not have and changes nothing', async () => {
    const style = await newStyle();
    const before = await counts();
    const reply = await call(store, 'PATCH', `/api/products/${style.id}`, {
      token: owner,
      body: { removeColors: ['紫'] },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.fields).toHaveProperty(['body.removeColors.0']);
    expect(await counts()).toEqual(before);
  });
});

describe('search as you type', () => {
  let dress: { id: string; styleCode: string; skus: { id: string; barcode: string }[] };
  beforeAll(async () => {
    dress = await newStyle({
      styleCode: 'LYQ-2026-01',
      name: '真丝连衣裙',
      category: '女装/连衣裙',
      season: '夏',
      year: 2026,
      price: 59900,
    });
    await newStyle({
      styleCode: 'KZ-88',
      name: '直筒牛仔裤',
      category: '男装/裤装',
      season: '秋',
      year: 2026,
      price: 19900,
    });
  });
  const search = async (query: string) => {
    const reply = await call(store, 'GET', `/api/products?${query}`, { token: owner });
    expect(reply.status).toBe(200);
    return reply.body.items.map((item: { styleCode: string }) => item.styleCode) as string[];
  };

  it('finds 连衣裙 by its pinyin initials lyq, by name, by full pinyin and by style code', async () => {
    expect(await search('q=lyq')).toContain('LYQ-2026-01');
    expect(await search('q=zslyq')).toEqual(['LYQ-2026-01']);
    expect(await search(`q=${encodeURIComponent('真丝')}`)).toEqual(['LYQ-2026-01']);
    expect(await search('q=zhensi')).toEqual(['LYQ-2026-01']);
    expect(await search('q=kz-8')).toEqual(['KZ-88']);
    expect(await search('q=nzk')).toEqual(['KZ-88']);
  });

  it('finds a style by a barcode of its SKUs', async () => {
    expect(await search(`q=${dress.skus[3]?.barcode}`)).toEqual(['LYQ-2026-01']);
  });

  it('filters by category (with sub-categories), season, price range and in stock only', async () => {
    const categories = await call(store, 'GET', '/api/categories', { token: owner });
    const women = categories.body.items.find((c: { path: string }) => c.path === '女装');
    const inWomen = await search(`category=${women.id}&limit=200`);
    expect(inWomen).toContain('LYQ-2026-01');
    expect(inWomen).not.toContain('KZ-88');
    expect(await search(`season=${encodeURIComponent('秋')}&year=2026`)).toEqual(['KZ-88']);
    expect(await search('minPrice=50000&maxPrice=60000&limit=200')).toEqual(['LYQ-2026-01']);
    expect(await search('q=zslyq&inStock=true')).toEqual([]);
    await call(store, 'POST', '/api/stock/receipts', {
      token: owner,
      body: { lines: [{ skuId: dress.skus[0]?.id, qty: 3 }] },
    });
    const hit = await call(store, 'GET', '/api/products?q=zslyq&inStock=1', { token: owner });
    expect(hit.body.items).toMatchObject([{ styleCode: 'LYQ-2026-01', onHand: 3, price: 59900 }]);
  });

  it('treats wildcards as plain text and names a bad query parameter', async () => {
    expect(await search('q=%25')).toEqual([]);
    const bad = await call(store, 'GET', '/api/products?limit=0&inStock=maybe', { token: owner });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['query.inStock', 'query.limit']);
    const upsideDown = await call(store, 'GET', '/api/products?minPrice=9&maxPrice=1', { token: owner });
    expect(Object.keys(upsideDown.body.error.fields)).toEqual(['query.minPrice']);
  });
});

describe('prices', () => {
  it('rounds markdowns explicitly, half up, to fen, jiao or yuan', () => {
    expect(markdownPrice(29900, 30, 'fen')).toBe(20930);
    expect(markdownPrice(29900, 30, 'yuan')).toBe(20900);
    expect(markdownPrice(19990, 15, 'fen')).toBe(16992);
    expect(markdownPrice(19990, 15, 'jiao')).toBe(16990);
    expect(markdownPrice(19990, 15, 'yuan')).toBe(17000);
    expect(markdownPrice(15050, 50, 'yuan')).toBe(7500);
    expect(markdownPrice(15100, 50, 'yuan')).toBe(7600);
  });

  it('applies a scheduled price when its day comes, keeps the history and audits it', async () => {
    const style = await newStyle({ price: 39900 });
    const barcode = style.skus[0].barcode;
    const startsAt = new Date(store.clock.now().getTime() + 86_400_000).toISOString();
    const scheduled = await call(store, 'POST', `/api/products/${style.id}/prices`, {
      token: owner,
      body: { price: 29900, startsAt, reason: '双十二' },
    });
    expect(scheduled.status).toBe(201);
    expect(scheduled.body).toMatchObject({ price: 39900, changes: [{ price: 29900, status: 'scheduled' }] });
    expect((await call(store, 'GET', `/api/skus/by-barcode/${barcode}`, { token: owner })).body.price).toBe(
      39900,
    );

    store.clock.advance(86_400_000);
    owner = await ownerToken(store);
    expect((await call(store, 'GET', `/api/skus/by-barcode/${barcode}`, { token: owner })).body.price).toBe(
      29900,
    );
    const history = await call(store, 'GET', `/api/products/${style.id}/prices`, { token: owner });
    expect(history.body).toMatchObject({
      price: 29900,
      basePrice: 39900,
      changes: [{ price: 29900, status: 'in_force', reason: '双十二' }],
    });

    const now = await call(store, 'POST', `/api/products/${style.id}/prices`, {
      token: owner,
      body: { price: 25900 },
    });
    expect(now.body.price).toBe(25900);
    expect(now.body.changes.map((c: { status: string }) => c.status)).toEqual(['in_force', 'past']);
    const audit = await call(store, 'GET', '/api/audit?kind=price.changed', { token: owner });
    expect(audit.body.items[0].detail).toMatchObject({ from: 29900, to: 25900 });

    const past = await call(store, 'POST', `/api/products/${style.id}/prices`, {
      token: owner,
      body: { price: 1, startsAt: '2020-01-01T00:00:00Z' },
    });
    expect(past.status).toBe(400);
    expect(past.body.error.fields).toHaveProperty(['body.startsAt']);
  });

  it('marks down a whole category by a percentage, rounded to the yuan', async () => {
    const a = await newStyle({ category: '特卖/外套', price: 29900 });
    const b = await newStyle({ category: '特卖/外套/羽绒服', price: 19990 });
    const other = await newStyle({ category: '正价/外套', price: 29900 });
    const categories = await call(store, 'GET', '/api/categories', { token: owner });
    const sale = categories.body.items.find((c: { path: string }) => c.path === '特卖');
    const cashier = await addStaff(store, owner, 'cashier');
    const refused = await call(store, 'POST', '/api/prices/markdowns', {
      token: cashier.token,
      body: { categoryId: sale.id, percent: 30 },
    });
    expect(refused.status).toBe(403);
    const reply = await call(store, 'POST', '/api/prices/markdowns', {
      token: owner,
      body: { categoryId: sale.id, percent: 15, rounding: 'yuan' },
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ styles: 2, unchanged: 0 });
    const price = async (style: { skus: { barcode: string }[] }) =>
      (await call(store, 'GET', `/api/skus/by-barcode/${style.skus[0]?.barcode}`, { token: owner })).body
        .price;
    expect(await price(a)).toBe(25400); // 29900 × 0.85 = 25415 → 254 yuan
    expect(await price(b)).toBe(17000); // 19990 × 0.85 = 16991.5 → 170 yuan
    expect(await price(other)).toBe(29900);
  });
});

describe('price tags', () => {
  it('makes a label document for a SKU and for a whole delivery, and an SVG preview', async () => {
    const style = await newStyle({
      name: '羊绒大衣',
      price: 129900,
      tagPrice: 159900,
      colors: ['驼'],
      sizes: ['M', 'L'],
    });
    const [m, l] = style.skus;
    const one = await call(store, 'GET', `/api/labels/skus/${m.id}?copies=2`, { token: owner });
    expect(one.body).toEqual({
      labels: [
        {
          styleCode: style.styleCode,
          name: '羊绒大衣',
          color: '驼',
          size: 'M',
          barcode: m.barcode,
          price: 129900,
          originalPrice: 159900,
          copies: 2,
        },
      ],
    });
    const receipt = await call(store, 'POST', '/api/stock/receipts', {
      token: owner,
      body: {
        lines: [
          { skuId: m.id, qty: 3 },
          { skuId: l.id, qty: 120 },
        ],
      },
    });
    const delivery = await call(store, 'GET', `/api/labels/receipts/${receipt.body.id}`, { token: owner });
    expect(
      delivery.body.labels.map((label: { size: string; copies: number }) => [label.size, label.copies]),
    ).toEqual([
      ['M', 3],
      ['L', 100],
      ['L', 20],
    ]);
    const preview = await fetch(`${store.url}/api/labels/skus/${m.id}/preview.svg`, {
      headers: { authorization: `Bearer ${owner}` },
    });
    expect(preview.headers.get('content-type')).toContain('image/svg+xml');
    const svg = await preview.text();
    expect(svg).toMatch(/^<svg xmlns/);
    expect(svg).toContain('羊绒大衣');
    expect(svg).toContain('¥1,299.00');
    expect(svg).toContain('<path');
    expect((await call(store, 'GET', '/api/labels/receipts/nope', { token: owner })).status).toBe(404);
  });
});

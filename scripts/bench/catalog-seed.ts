import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { AppContext } from '../../server/context.js';
import { inStoreEan13 } from '../../server/domain/catalog/barcodes.js';
import { ensureCategory } from '../../server/domain/catalog/categories.js';
import { searchText } from '../../server/domain/catalog/pinyin.js';
import { insertChunked } from '../../server/domain/catalog/write.js';
import type { SkuTable, StyleTable } from '../../server/storage/schema.js';

export const ADJECTIVES = [
  '法式',
  '复古',
  '韩版',
  '宽松',
  '修身',
  '碎花',
  '条纹',
  '纯色',
  '高腰',
  '短款',
  '长款',
  '针织',
  '真丝',
  '羊毛',
  '棉麻',
  '印花',
  '格纹',
  '休闲',
];
export const GARMENTS = [
  '连衣裙',
  '衬衫',
  'T恤',
  '牛仔裤',
  '半身裙',
  '外套',
  '大衣',
  '毛衣',
  '卫衣',
  '西装',
  '风衣',
  '羽绒服',
  '阔腿裤',
  '背心',
  '开衫',
  '运动裤',
];
const COLORS = ['黑', '白', '灰', '藏青', '卡其'];
const SIZES = ['S', 'M', 'L'];
const CATEGORIES = [
  '女装/连衣裙',
  '女装/上衣',
  '女装/裤装',
  '男装/上衣',
  '男装/裤装',
  '男装/外套',
  '童装/上衣',
  '童装/裤装',
];
const SEASONS = ['春', '夏', '秋', '冬'];

export function styleName(n: number): string {
  const a = ADJECTIVES[n % ADJECTIVES.length];
  const b = ADJECTIVES[Math.floor(n / ADJECTIVES.length) % ADJECTIVES.length];
  const g = GARMENTS[Math.floor(n / 7) % GARMENTS.length];
  return `${a}${b === a ? '' : b}${g}`;
}

export const styleCodeOf = (n: number) => `B${String(n).padStart(6, '0')}`;

/**
 * A chain-sized catalogue written straight into the tables in one transaction: `styles`
 * styles × 15 SKUs (5 colours × 3 sizes), then about `movements` stock movements generated
 * in SQL (a receipt then sales per SKU) and the on-hand cache summed from them.
 */
export async function seedChain(
  ctx: AppContext,
  styles: number,
  movements: number,
): Promise<{ barcodes: string[] }> {
  const barcodes: string[] = [];
  await ctx.storage.write(async (trx) => {
    const categoryIds: string[] = [];
    for (const path of CATEGORIES) categoryIds.push((await ensureCategory(trx, ctx, path)).id);
    const now = ctx.now().toISOString();
    let sequence = 0;
    for (let from = 0; from < styles; from += 2000) {
      const styleRows: StyleTable[] = [];
      const skuRows: SkuTable[] = [];
      for (let n = from; n < Math.min(styles, from + 2000); n++) {
        const id = uuidv7();
        const code = styleCodeOf(n);
        const name = styleName(n);
        styleRows.push({
          id,
          store_id: ctx.store.id,
          style_code: code,
          name,
          search_text: searchText(code, name),
          category_id: categoryIds[n % categoryIds.length] ?? null,
          brand: null,
          supplier: null,
          season: SEASONS[n % 4] ?? null,
          year: 2024 + (n % 3),
          tag_price: 39900,
          base_price: 9900 + (n % 50) * 1000,
          cost: 8000,
          special_price: 0,
          member_prices: '{}',
          size_group: 'tops',
          colors: JSON.stringify(COLORS),
          sizes: JSON.stringify(SIZES),
          photos: '[]',
          low_stock_threshold: null,
          active: 1,
          created_at: now,
          updated_at: now,
          certificate: null,
        });
        for (const color of COLORS) {
          for (const size of SIZES) {
            const barcode = inStoreEan13(++sequence);
            barcodes.push(barcode);
            skuRows.push({
              id: uuidv7(),
              store_id: ctx.store.id,
              style_id: id,
              color,
              size,
              barcode,
              barcode_source: 'generated',
              low_stock_threshold: null,
              active: 1,
              created_at: now,
            });
          }
        }
      }
      await insertChunked(trx, 'styles', styleRows);
      await insertChunked(trx, 'skus', skuRows);
    }
    await trx
      .insertInto('catalog_counters')
      .values({ store_id: ctx.store.id, name: 'ean13', value: sequence })
      .execute();
    // Per SKU: movement 1 receives 30; movements 2… sell one each. perSku of them for every SKU,
    // one more for as many SKUs as it takes to reach `movements`.
    const skus = styles * 15;
    const perSku = Math.floor(movements / skus);
    const extra = movements - perSku * skus;
    await sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < ${perSku + 1}),
      numbered as (select id, row_number() over (order by id) as r from skus)
      insert into stock_movements (id, store_id, sku_id, delta, kind, reason, ref_type, ref_id, unit_cost, on_hand_after, staff_id, at)
      select lower(hex(randomblob(16))), ${ctx.store.id}, numbered.id,
        case when n.i = 1 then 30 else -1 end,
        case when n.i = 1 then 'receipt' else 'sale' end,
        null, 'seed', 'seed', null,
        case when n.i = 1 then 30 else 31 - n.i end,
        null, ${now}
      from numbered join n on n.i <= ${perSku} or (n.i = ${perSku + 1} and numbered.r <= ${extra})`.execute(
      trx,
    );
    await sql`insert into stock_levels (store_id, sku_id, style_id, size, on_hand, updated_at)
      select m.store_id, m.sku_id, k.style_id, k.size, sum(m.delta), ${now}
      from stock_movements m join skus k on k.id = m.sku_id group by m.store_id, m.sku_id`.execute(trx);
  });
  return { barcodes };
}

/** A CSV of `rows` new SKU rows, one per SKU: styles of 10 SKUs (5 colours × 2 sizes). */
export function importCsv(rows: number, firstStyle: number): Buffer {
  const lines = ['款号,品名,类别,颜色,尺码,零售价,吊牌价,成本价,季节,年份'];
  for (let i = 0; i < rows; i++) {
    const n = firstStyle + Math.floor(i / 10);
    const color = COLORS[i % 5];
    const size = ['XL', 'XXL'][Math.floor(i / 5) % 2];
    lines.push(
      `C${String(n).padStart(6, '0')},${styleName(n)},女装/新品,${color},${size},299.00,399.00,120.00,冬,2026`,
    );
  }
  return Buffer.from(lines.join('\n'), 'utf8');
}

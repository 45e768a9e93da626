/** The columns of an import or export file; each accepts its English key or its Chinese name. */
export const COLUMNS = {
  styleCode: ['styleCode', '款号'],
  name: ['name', '品名', '名称'],
  category: ['category', '类别', '分类'],
  color: ['color', 'colors', '颜色'],
  size: ['size', 'sizes', '尺码'],
  barcode: ['barcode', '条码'],
  price: ['price', '零售价', '售价'],
  tagPrice: ['tagPrice', '吊牌价'],
  cost: ['cost', '成本价', '成本'],
  brand: ['brand', '品牌'],
  season: ['season', '季节'],
  year: ['year', '年份'],
  /** Written by the export; an import ignores it (stock comes in by receipts). */
  onHand: ['onHand', '库存'],
} as const;

export type Column = keyof typeof COLUMNS;
export const REQUIRED: readonly Column[] = ['styleCode', 'name', 'color', 'size', 'price'];

/** The header names the export writes, in order. */
export const EXPORT_HEADER: readonly [Column, string][] = (Object.keys(COLUMNS) as Column[]).map((key) => [
  key,
  COLUMNS[key][1],
]);

/** Spreadsheet column letters: 0 → A, 26 → AA. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rest = (n - 1) % 26;
    letters = String.fromCharCode(65 + rest) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/** Maps each header cell to its column key, or names the cells it does not know. */
export function mapHeader(header: readonly string[]): {
  index: Map<Column, number>;
  unknown: [number, string][];
} {
  const index = new Map<Column, number>();
  const unknown: [number, string][] = [];
  header.forEach((name, i) => {
    if (name === '') return;
    const key = (Object.keys(COLUMNS) as Column[]).find((column) =>
      (COLUMNS[column] as readonly string[]).some((alias) => alias.toLowerCase() === name.toLowerCase()),
    );
    if (key && !index.has(key)) index.set(key, i);
    else unknown.push([i, name]);
  });
  return { index, unknown };
}

/** "299", "299.5", "1,299.00", "¥299" → fen, exactly; null when it is not an amount. */
export function yuanToFen(text: string): number | null {
  const clean = text.replace(/[¥￥,\s]/g, '');
  const match = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(clean);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

export function fenToYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

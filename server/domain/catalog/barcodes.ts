import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { gtinCheckDigit, isValidGtin } from '../../protocol/gtin.js';
import type { Database } from '../../storage/schema.js';

// The check digit rules live with the protocol: the bridge prints codes by them too.
export { gtinCheckDigit, isValidGtin };

/**
 * Barcodes this shop makes itself are EAN-13 in the GS1 restricted-circulation range
 * (prefixes 20–29 are never issued to a manufacturer, so they cannot clash with a real
 * product): "20", a ten-digit running number per store, and the check digit.
 */
export const IN_STORE_PREFIX = '20';
const COUNTER = 'ean13';

export function inStoreEan13(sequence: number): string {
  const body = IN_STORE_PREFIX + String(sequence).padStart(10, '0');
  return body + gtinCheckDigit(body);
}

/**
 * What is wrong with a barcode a supplier printed, or null when it can be kept. A scanner
 * reads any Code 128 text; an all-digit code of GTIN length must carry its check digit, as a
 * mistyped digit would otherwise create a code no scanner ever reads.
 */
export function supplierBarcodeProblem(code: string): string | null {
  if (!/^[0-9A-Za-z.-]{4,32}$/.test(code)) return '4–32 letters, digits, dots or dashes';
  if (/^\d+$/.test(code) && [8, 12, 13].includes(code.length) && !isValidGtin(code)) {
    return 'the check digit is wrong';
  }
  return null;
}

/**
 * Hands out `count` fresh in-store EAN-13 barcodes inside the caller's transaction, skipping
 * any number a supplier's barcode already took.
 */
export async function generateBarcodes(
  trx: Kysely<Database>,
  ctx: AppContext,
  count: number,
  alsoTaken: ReadonlySet<string> = new Set(),
): Promise<string[]> {
  if (count === 0) return [];
  const row = await trx
    .selectFrom('catalog_counters')
    .select('value')
    .where('store_id', '=', ctx.store.catalogId)
    .where('name', '=', COUNTER)
    .executeTakeFirst();
  let next = (row?.value ?? 0) + 1;
  const codes: string[] = [];
  while (codes.length < count) {
    const batch: string[] = [];
    for (let i = codes.length; i < count; i++) batch.push(inStoreEan13(next++));
    const taken = new Set<string>(alsoTaken);
    for (let i = 0; i < batch.length; i += 500) {
      const rows = await trx
        .selectFrom('skus')
        .select('barcode')
        .where('barcode', 'in', batch.slice(i, i + 500))
        .execute();
      for (const r of rows) taken.add(r.barcode);
    }
    codes.push(...batch.filter((code) => !taken.has(code)));
  }
  const last = next - 1;
  if (row) {
    await trx
      .updateTable('catalog_counters')
      .set({ value: last })
      .where('store_id', '=', ctx.store.catalogId)
      .where('name', '=', COUNTER)
      .execute();
  } else {
    await trx
      .insertInto('catalog_counters')
      .values({ store_id: ctx.store.catalogId, name: COUNTER, value: last })
      .execute();
  }
  return codes;
}

/** A page of a newest-first list, and the id to ask `before` for the next page (null at the end). */
export interface Page<Item> {
  items: Item[];
  nextBefore: string | null;
}

/**
 * Keyset paging over rows read newest first by id with `limit + 1`: keeps `limit` rows, and
 * the extra row, if it came, says there is a next page starting before the last one kept.
 */
export function newestFirstPage<Row extends { id: string }, Item>(
  rows: readonly Row[],
  limit: number,
  view: (row: Row) => Item,
): Page<Item> {
  const page = rows.slice(0, limit);
  return { items: page.map(view), nextBefore: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
}

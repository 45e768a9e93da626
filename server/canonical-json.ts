/**
 * The one JSON text of a value that idempotency compares requests by: object keys sorted by
 * UTF-16 code unit (as `<` compares strings, whatever the locale), at every depth; arrays in
 * their order; `undefined` members dropped as `JSON.stringify` drops them. Two bodies that mean
 * the same give the same text, so a retry is recognised however its client ordered the keys.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>)
            .filter(([, inner]) => inner !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

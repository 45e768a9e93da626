import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ROUTES } from '../app.js';
import { call, ownerToken } from '../testing/client.js';
import { startTestStore, type TestStore } from '../testing/harness.js';

let store: TestStore;
let owner: string;
beforeAll(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
});
afterAll(() => store.close());

interface Def {
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  options?: z.ZodType[];
  format?: string;
}
const defOf = (schema: z.ZodType | undefined) => (schema as { _zod?: { def: Def } } | undefined)?._zod?.def;
/** A query field's own schema under `.optional()`, `.default()`, `.transform()` and a union (`today` | a date). */
const formatOf = (schema: z.ZodType): string | undefined => {
  const def = defOf(schema);
  if (def?.options) return def.options.map(formatOf).find(Boolean);
  const inner = def?.innerType ?? def?.in;
  return inner ? formatOf(inner) : def?.format;
};

/** Every date or date-time a GET route reads from its query, found in the route table itself. */
const dateFields = ROUTES.filter((route) => route.method === 'get').flatMap((route) =>
  Object.entries(defOf(route.query)?.shape ?? {}).flatMap(([key, schema]) => {
    const format = formatOf(schema);
    return format === 'date' || format === 'datetime' ? [{ path: route.path, key, format }] : [];
  }),
);

describe('dates in queries', () => {
  it('are found on the reports, the day list, the audit log and the liability', () => {
    const paths = new Set(dateFields.map((field) => field.path));
    expect(paths).toContain('/api/reports/sales-by-day');
    expect(paths).toContain('/api/reports/day');
    expect(paths).toContain('/api/sales');
    expect(paths).toContain('/api/audit');
    expect(paths).toContain('/api/loyalty/stored-value/liability');
  });

  it.each(dateFields.map((field) => [`${field.path} ${field.key}`, field] as const))(
    '%s: a far-future, far-past or unreadable date is a 400 naming the field',
    async (_name, { path, key, format }) => {
      const values =
        format === 'date'
          ? ['9999-12-31', '0001-01-01', '[0']
          : ['9999-12-31T23:59:59-14:00', '0001-01-01T00:00:00+14:00', '[0', '2026-13-45'];
      for (const value of values) {
        const reply = await call(store, 'GET', `${path}?${key}=${encodeURIComponent(value)}`, {
          token: owner,
        });
        expect({ value, status: reply.status, fields: Object.keys(reply.body?.error?.fields ?? {}) }).toEqual(
          {
            value,
            status: 400,
            fields: [`query.${key}`],
          },
        );
      }
    },
  );
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, ownerToken } from '../testing/client.js';
import { startTestStore, type TestStore } from '../testing/harness.js';

let store: TestStore;
let owner: string;
beforeAll(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
});
afterAll(() => store.close());

/** Row counts of every table: bad input must leave them all as they were. */
async function snapshot(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['staff', 'staff_sessions', 'devices', 'device_pairings', 'audit_log'] as const) {
    const row = await store.ctx.storage.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

const valid = { username: 'wangfang', name: '王芳', role: 'cashier', password: 'wangfang-pass', pin: '1357' };

describe('bad input gets a 400 naming the field and changes nothing', () => {
  it.each([
    ['malformed JSON', { rawBody: '{"username": "wang' }, 'body'],
    ['a JSON string instead of an object', { rawBody: '"hello"' }, 'body'],
    ['a missing field', { body: { ...valid, password: undefined } }, 'body.password'],
    ['a wrong type', { body: { ...valid, role: 7 } }, 'body.role'],
    ['an unknown role', { body: { ...valid, role: 'boss' } }, 'body.role'],
    ['an over-long name', { body: { ...valid, name: '长'.repeat(41) } }, 'body.name'],
    ['an over-long password', { body: { ...valid, password: 'x'.repeat(129) } }, 'body.password'],
    ['a PIN with letters', { body: { ...valid, pin: '12a4' } }, 'body.pin'],
    ['an unexpected field', { body: { ...valid, isAdmin: true } }, 'body.isAdmin'],
    ['a huge body', { rawBody: JSON.stringify({ ...valid, name: 'x'.repeat(2_000_000) }) }, 'body'],
  ])('%s', async (_case, options, field) => {
    const before = await snapshot();
    const reply = await call(store, 'POST', '/api/staff', { token: owner, ...options });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toMatch(/^(validation_failed|payload_too_large)$/);
    expect(Object.keys(reply.body.error.fields)).toContain(field);
    expect(await snapshot()).toEqual(before);
  });

  it('a bad query parameter is named too', async () => {
    const reply = await call(store, 'GET', '/api/audit?limit=abc&kind=nonsense', { token: owner });
    expect(reply.status).toBe(400);
    expect(Object.keys(reply.body.error.fields).sort()).toEqual(['query.kind', 'query.limit']);
  });

  it('an unknown API path is a 404 in the same shape', async () => {
    const reply = await call(store, 'GET', '/api/nothing-here', { token: owner });
    expect(reply.status).toBe(404);
    expect(reply.body.error.code).toBe('not_found');
  });

  it('garbage on a public route is a 400, not a 500', async () => {
    for (const rawBody of ['[]', 'null', '{"kind":"checkout","name":{"$gt":""}}', '\u0000\u0001']) {
      const reply = await call(store, 'POST', '/api/devices/pairings', { rawBody });
      expect(reply.status, rawBody).toBe(400);
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStaff, call, ownerToken, pairDevice } from '../../testing/client.js';
import { startTestStore, type TestStore } from '../../testing/harness.js';

let store: TestStore;
let owner: string;
let manager: string;
let cashier: string;
let kiosk: string;

beforeAll(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
  manager = (await addStaff(store, owner, 'manager')).token;
  cashier = (await addStaff(store, owner, 'cashier')).token;
  kiosk = (await pairDevice(store, owner, 'lookup')).token;
});
afterAll(() => store.close());

const leave = (body: unknown, token = kiosk) => call(store, 'POST', '/api/self/feedback', { token, body });
const stored = async () => {
  const db = store.ctx.storage.db;
  const row = await db.selectFrom('feedback').select(db.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return { n: Number(row.n) };
};

describe('feedback from the lookup kiosk', () => {
  it('refuses bad stars and a long comment, naming the field, storing nothing', async () => {
    for (const stars of [0, 6, 2.5, '4', null]) {
      const reply = await leave({ stars });
      expect(reply.status).toBe(400);
      expect(Object.keys(reply.body.error.fields ?? {})).toContain('body.stars');
    }
    const missing = await leave({ comment: '不错' });
    expect(missing.status).toBe(400);
    expect(Object.keys(missing.body.error.fields ?? {})).toContain('body.stars');
    const long = await leave({ stars: 5, comment: '好'.repeat(501) });
    expect(long.status).toBe(400);
    expect(Object.keys(long.body.error.fields ?? {})).toContain('body.comment');
    const code = await leave({ stars: 5, memberCode: '0000000000000000' });
    expect(code.status).toBe(404);
    expect((await stored()).n).toBe(0);
  });

  it('stores stars and a comment, and the owner and manager read them newest first', async () => {
    const first = await leave({ stars: 4, comment: '  店员很耐心  ' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ stars: 4, comment: '店员很耐心', memberCode: null });
    const second = await leave({ stars: 2, comment: '好'.repeat(500) });
    expect(second.status).toBe(201);
    const third = await leave({ stars: 5 });
    expect(third.body.comment).toBeNull();

    for (const token of [owner, manager]) {
      const list = await call(store, 'GET', '/api/feedback', { token });
      expect(list.status).toBe(200);
      expect(list.body.items.map((f: { stars: number }) => f.stars)).toEqual([5, 2, 4]);
      expect(list.body.next).toBeNull();
    }
    const page = await call(store, 'GET', '/api/feedback?limit=2', { token: owner });
    expect(page.body.items).toHaveLength(2);
    const rest = await call(store, 'GET', `/api/feedback?limit=2&before=${page.body.next}`, { token: owner });
    expect(rest.body.items).toEqual([expect.objectContaining({ stars: 4, comment: '店员很耐心' })]);
  });

  it('a cashier may not read it, a staff member may not leave it', async () => {
    expect((await call(store, 'GET', '/api/feedback', { token: cashier })).status).toBe(403);
    expect((await leave({ stars: 3 }, owner)).status).toBe(403);
  });
});

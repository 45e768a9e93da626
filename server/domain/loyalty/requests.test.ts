import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, ownerToken } from '../../testing/client.js';
import { startTestStore, type TestStore } from '../../testing/harness.js';

let store: TestStore;
let owner: string;

beforeEach(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
});
afterEach(() => store.close());

describe('a member request sent again', () => {
  it('still replays when its body was stored in an older key order', async () => {
    const m = await call(store, 'POST', '/api/members', {
      token: owner,
      body: { phone: '13800138000', name: '王芳' },
    });
    const body = { id: 'topup-1', amount: 50000, method: 'cash' };
    const first = await call(store, 'POST', `/api/members/${m.body.id}/top-ups`, { token: owner, body });
    expect(first.status).toBe(201);
    // Bodies were kept in a locale's key order before there was one canonical JSON.
    await sql`update member_requests set body = ${'{"method":"cash","id":"topup-1","amount":50000}'} where id = 'topup-1'`.execute(
      store.ctx.storage.db,
    );
    const again = await call(store, 'POST', `/api/members/${m.body.id}/top-ups`, {
      token: owner,
      body: { method: 'cash', amount: 50000, id: 'topup-1' },
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const other = await call(store, 'POST', `/api/members/${m.body.id}/top-ups`, {
      token: owner,
      body: { ...body, amount: 60000 },
    });
    expect(other.status).toBe(409);
  });
});

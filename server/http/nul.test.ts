import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, ownerToken } from '../testing/client.js';
import { startTestStore, type TestStore } from '../testing/harness.js';

let store: TestStore;
let owner: string;
beforeAll(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
});
afterAll(() => store.close());

it('a NUL character in a path, a query or a body is a 400 naming the field (PostgreSQL cannot store one)', async () => {
  const replies = [
    await call(store, 'POST', '/api/products/%00/prices/x/cancel', { token: owner }),
    await call(store, 'GET', '/api/members?q=%00', { token: owner }),
    await call(store, 'POST', '/api/members', {
      token: owner,
      body: { phone: '13800138000', name: 'a\u0000b' },
    }),
  ];
  expect(replies.map((reply) => [reply.status, Object.keys(reply.body?.error?.fields ?? {})])).toEqual([
    [400, ['params.id']],
    [400, ['query.q']],
    [400, ['body.name']],
  ]);
  const members = await call(store, 'GET', '/api/members/list', { token: owner });
  expect(members.body.items ?? members.body).toHaveLength(0);
});

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

describe('routes mounted by their group (/api/sales, /api/members …)', () => {
  it.each(['/api/sales/settings', '/API/SALES/SETTINGS', '/api/Sales/settings/'])(
    '%s reaches the sales settings, as Express matches a path whatever its case',
    async (path) => {
      const reply = await call(store, 'GET', path, { token: owner });
      expect(reply.status).toBe(200);
      expect(reply.body).toHaveProperty('returnDays');
    },
  );

  it.each(['/api/sales/no-such-thing/here', '/api/no-such-group', '/api', '/api/', '/api//sales/settings'])(
    '%s is the API’s 404, in JSON',
    async (path) => {
      const reply = await call(store, 'GET', path, { token: owner });
      expect({ status: reply.status, code: reply.body?.error?.code }).toEqual({
        status: 404,
        code: 'not_found',
      });
    },
  );
});

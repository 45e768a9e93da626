import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addStaff, call, ownerToken } from '../testing/client.js';
import { startTestStore, type TestStore } from '../testing/harness.js';
import { SIGN_IN_LIMITS } from './rate-limit.js';

let store: TestStore;
beforeEach(async () => {
  store = await startTestStore();
});
afterEach(() => store.close());

/**
 * Sends a few more requests than the door's burst, at once (one by one, the bucket would
 * refill while the server checks the passwords); the answers' statuses.
 */
async function knock(burst: number, send: (i: number) => Promise<{ status: number }>): Promise<number[]> {
  const replies = await Promise.all(Array.from({ length: burst + 5 }, (_, i) => send(i)));
  return replies.map((reply) => reply.status);
}

function expectLimited(statuses: number[]): void {
  expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(1);
}

describe('rate limits follow the route Express matched', () => {
  it.each(['/API/auth/login', '/api/Auth/login', '/api/auth/login/'])(
    '%s is limited as /api/auth/login',
    async (path) => {
      const statuses = await knock(SIGN_IN_LIMITS.login.burst, (i) =>
        call(store, 'POST', path, { body: { username: `nobody${i}`, password: 'wrong-password' } }),
      );
      expectLimited(statuses);
    },
  );

  it('/API/join is limited as /api/join', async () => {
    const statuses = await knock(SIGN_IN_LIMITS.join.burst, () =>
      call(store, 'POST', '/API/join', { body: { ticket: 'x', phone: '13800138000' } }),
    );
    expectLimited(statuses);
  });

  it("a manager's PIN brought as an approval has the sign-in limit of the address", async () => {
    const owner = await ownerToken(store);
    const cashier = await addStaff(store, owner, 'cashier');
    const statuses = await knock(SIGN_IN_LIMITS.approval.burst - 2, (i) =>
      call(store, 'GET', '/api/audit', {
        token: cashier.token,
        headers: { 'hanger-approval-user': `nobody${i}`, 'hanger-approval-pin': '1234' },
      }),
    );
    expectLimited(statuses);
  });
});

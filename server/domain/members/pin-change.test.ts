import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addStaff, call, ownerToken, type TestStaff } from '../../testing/client.js';
import { startTestStore, type TestStore } from '../../testing/harness.js';

let store: TestStore;
let owner: string;
let cashier: TestStaff;
let manager: TestStaff;
beforeEach(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
  cashier = await addStaff(store, owner, 'cashier');
  manager = await addStaff(store, owner, 'manager');
});
afterEach(() => store.close());

async function memberWithPin(pin?: string): Promise<string> {
  const reply = await call(store, 'POST', '/api/members', {
    token: owner,
    body: {
      phone: `1370000${String(Math.floor(Math.random() * 9000) + 1000)}`,
      name: '周杰',
      ...(pin && { pin }),
    },
  });
  return reply.body.id;
}

const setPin = (
  id: string,
  body: Record<string, unknown>,
  token = cashier.token,
  headers?: Record<string, string>,
) => call(store, 'PUT', `/api/members/${id}/pin`, { token, body, ...(headers && { headers }) });

describe("changing a member's PIN at the till", () => {
  it("a cashier needs the member's old PIN or a manager's approval", async () => {
    const id = await memberWithPin('2468');
    const alone = await setPin(id, { pin: '1111' });
    expect(alone.status).toBe(403);
    expect(alone.body.error.fields).toEqual({ oldPin: 'required without an approval' });
    expect((await setPin(id, { pin: null })).status).toBe(403);
    expect((await setPin(id, { pin: '1111', oldPin: '0000' })).status).toBe(422);
    expect((await setPin(id, { pin: '1111', oldPin: '2468' })).status).toBe(200);

    const approved = await setPin(id, { pin: '2222' }, cashier.token, {
      'Hanger-Approval-User': manager.username,
      'Hanger-Approval-Pin': manager.pin,
    });
    expect(approved.status).toBe(200);
    const audit = await call(store, 'GET', '/api/audit?kind=member.updated', { token: owner });
    expect(audit.body.items[0]).toMatchObject({ staffId: cashier.id, approverId: manager.id });
    expect((await setPin(id, { pin: '3333' }, manager.token)).status).toBe(200);
  });

  it('a first PIN is set at the counter as before', async () => {
    const id = await memberWithPin();
    expect((await setPin(id, { pin: '1357' })).status).toBe(200);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addStaff, call, ownerToken, TestSocket, type TestStaff } from '../../testing/client.js';
import { startTestStore, type TestStore } from '../../testing/harness.js';

let store: TestStore;
let owner: string;
let cashier: TestStaff;
let otherCashier: TestStaff;
let manager: TestStaff;

beforeEach(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
  cashier = await addStaff(store, owner, 'cashier');
  otherCashier = await addStaff(store, owner, 'cashier');
  manager = await addStaff(store, owner, 'manager');
});
afterEach(() => store.close());

const unmaskAudits = async () =>
  (await call(store, 'GET', '/api/audit?kind=member.phone_unmasked', { token: owner })).body.items;

describe('WebSocket member commands and phone unmasking', () => {
  it('show a cashier full phones only with a manager approval, audited like HTTP', async () => {
    const member = await call(store, 'POST', '/api/members', {
      token: owner,
      body: { phone: '13800138000', name: '王芳' },
    });
    const id = member.body.id as string;
    const { socket } = await TestSocket.open(store, cashier.token);

    const masked = await socket.request('members/get', { memberId: id });
    expect(masked.result).toMatchObject({ phone: '138****8000', phoneMasked: true });
    const found = await socket.request('members/find', { last4: '8000' });
    expect(found.result.items[0].phone).toBe('138****8000');
    expect(await unmaskAudits()).toHaveLength(0);

    const approval = { username: manager.username, pin: manager.pin };
    const one = await socket.request('members/get', { memberId: id, approval });
    expect(one.success).toBe(true);
    expect(one.result).toMatchObject({ phone: '13800138000', phoneMasked: false });
    const list = await socket.request('members/find', { last4: '8000', approval });
    expect(list.result.items[0].phone).toBe('13800138000');
    const audits = await unmaskAudits();
    expect(audits).toHaveLength(2);
    expect(audits[0]).toMatchObject({
      staffId: cashier.id,
      approverId: manager.id,
      detail: { memberIds: [id] },
    });

    const wrongPin = await socket.request('members/get', {
      memberId: id,
      approval: { username: manager.username, pin: '0000' },
    });
    expect(wrongPin).toMatchObject({ success: false, error: { code: 'unauthorized' } });
    const notAllowed = await socket.request('members/get', {
      memberId: id,
      approval: { username: otherCashier.username, pin: otherCashier.pin },
    });
    expect(notAllowed).toMatchObject({ success: false, error: { code: 'forbidden' } });
    expect(await unmaskAudits()).toHaveLength(2);

    // A search with no hits unmasks nothing and audits nothing.
    const none = await socket.request('members/find', { last4: '1234', approval });
    expect(none.result.items).toEqual([]);
    expect(await unmaskAudits()).toHaveLength(2);
    socket.close();
  });

  it('show a manager full phones without an approval and without an audit row', async () => {
    const member = await call(store, 'POST', '/api/members', {
      token: owner,
      body: { phone: '13900139000', name: '李雷' },
    });
    const { socket } = await TestSocket.open(store, manager.token);
    const one = await socket.request('members/get', { memberId: member.body.id });
    expect(one.result.phone).toBe('13900139000');
    expect(await unmaskAudits()).toHaveLength(0);
    socket.close();
  });
});

describe('WebSocket top-up', () => {
  it('tops up once per topUpId, like the HTTP route', async () => {
    const member = await call(store, 'POST', '/api/members', {
      token: owner,
      body: { phone: '13800138009', name: '李娜' },
    });
    const { socket } = await TestSocket.open(store, cashier.token);
    const body = { memberId: member.body.id, topUpId: 'till-1-0001', amount: 50000, method: 'cash' };
    const first = await socket.request('members/top_up', body);
    expect(first.result).toMatchObject({ amount: 50000, bonus: 5000, storedValue: 55000, replayed: false });
    const again = await socket.request('members/top_up', body);
    expect(again.result).toMatchObject({ storedValue: 55000, replayed: true });
    socket.close();
  });
});

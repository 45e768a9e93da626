import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addStaff, call, login, ownerToken, pairDevice } from '../../testing/client.js';
import { startTestStore, type TestStore } from '../../testing/harness.js';

let store: TestStore;
let owner: string;
beforeEach(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
});
afterEach(() => store.close());

const audit = async (query = '') =>
  (await call(store, 'GET', `/api/audit?limit=500${query}`, { token: owner })).body;

describe('the audit log', () => {
  it('has a row for each audited action of the foundation', async () => {
    const manager = await addStaff(store, owner, 'manager');
    const cashier = await addStaff(store, owner, 'cashier');
    await call(store, 'PATCH', `/api/staff/${cashier.id}`, { token: owner, body: { name: '新名字' } });
    await call(store, 'POST', '/api/auth/login', {
      body: { username: cashier.username, password: 'wrong-one' },
    });
    await call(store, 'POST', '/api/auth/logout', { token: cashier.token });
    const terminal = await pairDevice(store, owner, 'checkout');
    const pin = await call(store, 'POST', '/api/auth/pin', {
      token: terminal.token,
      body: { username: cashier.username, pin: cashier.pin },
    });
    await call(store, 'POST', '/api/drawer/open', {
      token: pin.body.token,
      body: { reason: '换零钱' },
      headers: { 'Hanger-Approval-User': 'owner', 'Hanger-Approval-Pin': '0000' },
    });
    await call(store, 'PATCH', `/api/staff/${manager.id}`, { token: owner, body: { pin: '5555' } });
    await call(store, 'POST', '/api/drawer/open', {
      token: pin.body.token,
      body: { reason: '换零钱' },
      headers: { 'Hanger-Approval-User': manager.username, 'Hanger-Approval-Pin': '5555' },
    });
    await call(store, 'POST', `/api/devices/${terminal.id}/revoke`, { token: owner });
    for (let i = 0; i < 5; i++) {
      await call(store, 'POST', '/api/auth/login', {
        body: { username: manager.username, password: 'wrong-one' },
      });
    }

    const kinds = new Set((await audit()).items.map((row: { kind: string }) => row.kind));
    for (const kind of [
      'auth.login',
      'auth.login_failed',
      'auth.locked',
      'auth.logout',
      'staff.created',
      'staff.updated',
      'device.paired',
      'device.revoked',
      'drawer.opened',
    ]) {
      expect(kinds, kind).toContain(kind);
    }
  });

  it('filters by time, staff and kind, newest first, and pages', async () => {
    const cashier = await addStaff(store, owner, 'cashier');
    store.clock.advance(60_000);
    const start = store.clock.now().toISOString();
    for (let i = 0; i < 3; i++) {
      store.clock.advance(1000);
      await login(store, cashier.username, cashier.password);
    }
    const byStaff = await audit(`&staffId=${cashier.id}&kind=auth.login`);
    // One sign-in by addStaff, three here.
    expect(byStaff.items).toHaveLength(4);
    const times = byStaff.items.map((row: { at: string }) => row.at);
    expect([...times].sort().reverse()).toEqual(times);

    const later = await audit(
      `&staffId=${cashier.id}&kind=auth.login&from=${encodeURIComponent(start.replace('Z', '+00:00'))}`,
    );
    expect(later.items).toHaveLength(3);
    const beforeStart = await audit(`&kind=auth.login&to=${encodeURIComponent(start)}`);
    expect(beforeStart.items.every((row: { at: string }) => row.at < start)).toBe(true);

    const first = await call(store, 'GET', `/api/audit?staffId=${cashier.id}&limit=2`, { token: owner });
    expect(first.body.items).toHaveLength(2);
    const second = await call(
      store,
      'GET',
      `/api/audit?staffId=${cashier.id}&limit=2&before=${first.body.nextBefore}`,
      {
        token: owner,
      },
    );
    const ids = [...first.body.items, ...second.body.items].map((row: { id: string }) => row.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('accepts times with any offset and compares them in UTC', async () => {
    const beijing = '2026-11-24T18:00:00+08:00';
    const reply = await call(store, 'GET', `/api/audit?to=${encodeURIComponent(beijing)}`, { token: owner });
    expect(reply.status).toBe(200);
    // 18:00 in Beijing is 10:00 UTC, the test clock's start: the owner's setup rows are not before it.
    expect(reply.body.items).toHaveLength(0);
  });
});

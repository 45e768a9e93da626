import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addStaff, call, login, ownerToken, pairDevice } from '../../testing/client.js';
import { OWNER_PASSWORD, startTestStore, type TestStore } from '../../testing/harness.js';

let store: TestStore;
beforeEach(async () => {
  store = await startTestStore();
});
afterEach(() => store.close());

async function auditKinds(owner: string): Promise<string[]> {
  const reply = await call(store, 'GET', '/api/audit?limit=500', { token: owner });
  return reply.body.items.map((row: { kind: string }) => row.kind);
}

describe('password login', () => {
  it('signs the owner in and says who they are', async () => {
    const reply = await call(store, 'POST', '/api/auth/login', {
      body: { username: 'owner', password: OWNER_PASSWORD },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.token).toMatch(/^hgs_/);
    expect(reply.body.staff).toMatchObject({ role: 'owner', name: '店主' });
    expect(Date.parse(reply.body.expiresAt)).toBe(store.clock.now().getTime() + 12 * 3_600_000);
    const me = await call(store, 'GET', '/api/auth/me', { token: reply.body.token });
    expect(me.body.principal).toMatchObject({ kind: 'staff', role: 'owner', deviceId: null });
  });

  it('refuses a wrong password and an unknown user alike, and audits both', async () => {
    const wrong = await call(store, 'POST', '/api/auth/login', {
      body: { username: 'owner', password: 'nope-nope' },
    });
    const unknown = await call(store, 'POST', '/api/auth/login', {
      body: { username: 'ghost', password: 'nope-nope' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
    const owner = await ownerToken(store);
    const audit = await call(store, 'GET', '/api/audit?kind=auth.login_failed', { token: owner });
    expect(
      audit.body.items.map((row: { detail: { username: string } }) => row.detail.username).sort(),
    ).toEqual(['ghost', 'owner']);
  });

  it('locks the account for 5 minutes after 5 wrong passwords, even against the right one', async () => {
    const cashier = await addStaff(store, await ownerToken(store), 'cashier');
    for (let attempt = 1; attempt <= 4; attempt++) {
      const reply = await call(store, 'POST', '/api/auth/login', {
        body: { username: cashier.username, password: 'wrong-password' },
      });
      expect(reply.status).toBe(401);
    }
    const fifth = await call(store, 'POST', '/api/auth/login', {
      body: { username: cashier.username, password: 'wrong-password' },
    });
    expect(fifth.status).toBe(423);
    expect(fifth.body.error.code).toBe('account_locked');
    expect(fifth.headers.get('retry-after')).toBe('300');

    const right = await call(store, 'POST', '/api/auth/login', {
      body: { username: cashier.username, password: cashier.password },
    });
    expect(right.status).toBe(423);

    store.clock.advance(5 * 60_000 + 1);
    expect(await login(store, cashier.username, cashier.password)).toMatch(/^hgs_/);
    expect(await auditKinds(await ownerToken(store))).toContain('auth.locked');
  });

  it('lets the owner lift a lockout', async () => {
    const owner = await ownerToken(store);
    const cashier = await addStaff(store, owner, 'cashier');
    for (let attempt = 0; attempt < 5; attempt++) {
      await call(store, 'POST', '/api/auth/login', {
        body: { username: cashier.username, password: 'wrong-password' },
      });
    }
    const list = await call(store, 'GET', '/api/staff', { token: owner });
    expect(list.body.items.find((s: { id: string }) => s.id === cashier.id).lockedUntil).not.toBeNull();
    const unlocked = await call(store, 'POST', `/api/staff/${cashier.id}/unlock`, { token: owner });
    expect(unlocked.body.lockedUntil).toBeNull();
    expect(await login(store, cashier.username, cashier.password)).toMatch(/^hgs_/);
  });
});

describe('sessions end', () => {
  it('when they expire', async () => {
    const token = await ownerToken(store);
    store.clock.advance(12 * 3_600_000 - 1000);
    expect((await call(store, 'GET', '/api/auth/me', { token })).status).toBe(200);
    store.clock.advance(1000);
    const expired = await call(store, 'GET', '/api/auth/me', { token });
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('unauthorized');
  });

  it('on logout, and the logout is audited', async () => {
    const token = await ownerToken(store);
    expect((await call(store, 'POST', '/api/auth/logout', { token })).status).toBe(204);
    expect((await call(store, 'GET', '/api/auth/me', { token })).status).toBe(401);
    expect(await auditKinds(await ownerToken(store))).toContain('auth.logout');
  });

  it('when the staff member is disabled, and they cannot sign in again', async () => {
    const owner = await ownerToken(store);
    const manager = await addStaff(store, owner, 'manager');
    expect((await call(store, 'GET', '/api/staff', { token: manager.token })).status).toBe(200);
    const disabled = await call(store, 'PATCH', `/api/staff/${manager.id}`, {
      token: owner,
      body: { active: false },
    });
    expect(disabled.body.active).toBe(false);
    expect((await call(store, 'GET', '/api/staff', { token: manager.token })).status).toBe(401);
    const again = await call(store, 'POST', '/api/auth/login', {
      body: { username: manager.username, password: manager.password },
    });
    expect(again.status).toBe(401);
  });

  it('when the password changes, and the new one works', async () => {
    const owner = await ownerToken(store);
    const cashier = await addStaff(store, owner, 'cashier');
    await call(store, 'PATCH', `/api/staff/${cashier.id}`, {
      token: owner,
      body: { password: 'a-new-password' },
    });
    expect((await call(store, 'GET', '/api/auth/me', { token: cashier.token })).status).toBe(401);
    expect(await login(store, cashier.username, 'a-new-password')).toMatch(/^hgs_/);
  });

  it('made with the PIN when the PIN changes or is cleared, and the new PIN works', async () => {
    const owner = await ownerToken(store);
    const cashier = await addStaff(store, owner, 'cashier');
    const till = await pairDevice(store, owner, 'checkout');
    const pinLogin = async (pin: string) =>
      call(store, 'POST', '/api/auth/pin', { token: till.token, body: { username: cashier.username, pin } });
    const atTill = (await pinLogin(cashier.pin)).body.token as string;
    expect((await call(store, 'GET', '/api/auth/me', { token: atTill })).status).toBe(200);

    await call(store, 'PATCH', `/api/staff/${cashier.id}`, { token: owner, body: { pin: '8642' } });
    expect((await call(store, 'GET', '/api/auth/me', { token: atTill })).status).toBe(401);
    expect((await pinLogin(cashier.pin)).status).toBe(401);
    const withNewPin = (await pinLogin('8642')).body.token as string;
    expect((await call(store, 'GET', '/api/auth/me', { token: withNewPin })).status).toBe(200);
    // The password session in the back office is not the PIN's: it stays.
    expect((await call(store, 'GET', '/api/auth/me', { token: cashier.token })).status).toBe(200);

    await call(store, 'PATCH', `/api/staff/${cashier.id}`, { token: owner, body: { pin: null } });
    expect((await call(store, 'GET', '/api/auth/me', { token: withNewPin })).status).toBe(401);
  });
});

describe('staff management', () => {
  it('adds staff, refuses a username in use, never shows a hash', async () => {
    const owner = await ownerToken(store);
    const body = { username: 'lihua', name: '李华', role: 'cashier', password: 'lihua-pass', pin: '2468' };
    const created = await call(store, 'POST', '/api/staff', { token: owner, body });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      username: 'lihua',
      name: '李华',
      role: 'cashier',
      active: true,
      hasPin: true,
    });
    expect(JSON.stringify(created.body)).not.toMatch(/scrypt|lihua-pass|2468/);
    const again = await call(store, 'POST', '/api/staff', { token: owner, body });
    expect(again.status).toBe(409);
    expect(again.body.error.fields).toEqual({ username: 'already in use' });
  });

  it('stores passwords and PINs as scrypt hashes', async () => {
    const owner = await ownerToken(store);
    const cashier = await addStaff(store, owner, 'cashier');
    const row = await store.ctx.storage.db
      .selectFrom('staff')
      .select(['password_hash', 'pin_hash'])
      .where('id', '=', cashier.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(row.pin_hash).toMatch(/^scrypt\$/);
    expect(row.password_hash).not.toContain(cashier.password);
  });

  it('keeps the owner from locking themselves out', async () => {
    const owner = await ownerToken(store);
    const me = (await call(store, 'GET', '/api/auth/me', { token: owner })).body.principal;
    const reply = await call(store, 'PATCH', `/api/staff/${me.staffId}`, {
      token: owner,
      body: { active: false },
    });
    expect(reply.status).toBe(422);
    expect(reply.body.error.fields).toHaveProperty('active');
  });

  it('audits staff creation and changes with who did them', async () => {
    const owner = await ownerToken(store);
    const cashier = await addStaff(store, owner, 'cashier');
    await call(store, 'PATCH', `/api/staff/${cashier.id}`, { token: owner, body: { role: 'manager' } });
    const audit = await call(store, 'GET', `/api/audit?kind=staff.updated`, { token: owner });
    const row = audit.body.items[0];
    expect(row.subject).toEqual({ type: 'staff', id: cashier.id });
    expect(row.detail.role).toEqual({ from: 'cashier', to: 'manager' });
    expect(row.staffId).toBe(
      (await call(store, 'GET', '/api/auth/me', { token: owner })).body.principal.staffId,
    );
  });
});

describe('the stores', () => {
  it('a shop on its own is no chain: one store, whose staff run everything', async () => {
    const owner = await ownerToken(store);
    const manager = await addStaff(store, owner, 'manager');
    const reply = await call(store, 'GET', '/api/stores', { token: manager.token });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ chain: false, headOffice: true, allStores: false });
    expect(reply.body.items).toHaveLength(1);
    expect(reply.body.items[0]).toMatchObject({ code: reply.body.store, headOffice: true });
    const staff = await call(store, 'GET', '/api/staff', { token: owner });
    expect(staff.body.items.map((s: { store: string }) => s.store)).toEqual([
      reply.body.store,
      reply.body.store,
    ]);
  });
});

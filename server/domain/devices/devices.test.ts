import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addStaff, call, ownerToken, pairDevice } from '../../testing/client.js';
import { startTestStore, type TestStore } from '../../testing/harness.js';

let store: TestStore;
let owner: string;
beforeEach(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
});
afterEach(() => store.close());

describe('pairing', () => {
  it('pairs a device by the code it shows and hands its token over once', async () => {
    const started = await call(store, 'POST', '/api/devices/pairings', {
      body: { kind: 'checkout', name: '1号收银台' },
    });
    expect(started.status).toBe(201);
    expect(started.body.code).toMatch(/^\d{6}$/);
    const claim = () =>
      call(store, 'POST', `/api/devices/pairings/${started.body.pairingId}/claim`, {
        body: { secret: started.body.secret },
      });
    expect((await claim()).body).toMatchObject({ status: 'pending' });

    const paired = await call(store, 'POST', '/api/devices', {
      token: owner,
      body: { code: started.body.code },
    });
    expect(paired.status).toBe(201);
    expect(paired.body).toMatchObject({ kind: 'checkout', name: '1号收银台', revokedAt: null });

    const first = await claim();
    expect(first.body.status).toBe('paired');
    expect(first.body.token).toMatch(/^hgd_/);
    expect((await claim()).status).toBe(409);

    const me = await call(store, 'GET', '/api/auth/me', { token: first.body.token });
    expect(me.body.principal).toMatchObject({
      kind: 'device',
      deviceKind: 'checkout',
      deviceId: paired.body.id,
    });

    const audit = await call(store, 'GET', '/api/audit?kind=device.paired', { token: owner });
    expect(audit.body.items[0].subject).toEqual({ type: 'device', id: paired.body.id });
  });

  it('refuses a claim with the wrong secret and a code that expired', async () => {
    const started = await call(store, 'POST', '/api/devices/pairings', {
      body: { kind: 'lookup', name: 'kiosk' },
    });
    const wrongSecret = await call(store, 'POST', `/api/devices/pairings/${started.body.pairingId}/claim`, {
      body: { secret: 'hgp_guess' },
    });
    expect(wrongSecret.status).toBe(404);
    store.clock.advance(10 * 60_000 + 1);
    const late = await call(store, 'POST', '/api/devices', {
      token: owner,
      body: { code: started.body.code },
    });
    expect(late.status).toBe(404);
    expect(late.body.error.fields).toHaveProperty('code');
    const claim = await call(store, 'POST', `/api/devices/pairings/${started.body.pairingId}/claim`, {
      body: { secret: started.body.secret },
    });
    expect(claim.body).toEqual({ status: 'expired' });
  });

  it('binds a display to a checkout terminal, and only to one', async () => {
    const terminal = await pairDevice(store, owner, 'checkout');
    const lookup = await pairDevice(store, owner, 'lookup');
    const display = await pairDevice(store, owner, 'display', terminal.id);
    const me = await call(store, 'GET', '/api/auth/me', { token: display.token });
    expect(me.body.principal.terminalId).toBe(terminal.id);
    const started = await call(store, 'POST', '/api/devices/pairings', {
      body: { kind: 'display', name: 'd2' },
    });
    const wrong = await call(store, 'POST', '/api/devices', {
      token: owner,
      body: { code: started.body.code, terminalId: lookup.id },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.fields).toHaveProperty('terminalId');
  });
});

describe('device tokens are scoped to their kind', () => {
  it('a lookup kiosk reads nothing of staff, devices or the audit log', async () => {
    const kiosk = await pairDevice(store, owner, 'lookup');
    for (const path of ['/api/staff', '/api/devices', '/api/audit']) {
      expect((await call(store, 'GET', path, { token: kiosk.token })).status).toBe(403);
    }
    expect(
      (
        await call(store, 'POST', '/api/auth/pin', {
          token: kiosk.token,
          body: { username: 'owner', pin: '1234' },
        })
      ).status,
    ).toBe(403);
  });

  it('only a paired checkout terminal signs staff in by PIN, bound to that terminal', async () => {
    const cashier = await addStaff(store, owner, 'cashier');
    const terminal = await pairDevice(store, owner, 'checkout');
    const viaAdmin = await call(store, 'POST', '/api/auth/pin', {
      token: owner,
      body: { username: cashier.username, pin: cashier.pin },
    });
    expect(viaAdmin.status).toBe(403);
    const signedIn = await call(store, 'POST', '/api/auth/pin', {
      token: terminal.token,
      body: { username: cashier.username, pin: cashier.pin },
    });
    expect(signedIn.status).toBe(200);
    const me = await call(store, 'GET', '/api/auth/me', { token: signedIn.body.token });
    expect(me.body.principal).toMatchObject({ role: 'cashier', deviceId: terminal.id });
  });

  it('five wrong PINs lock the account', async () => {
    const cashier = await addStaff(store, owner, 'cashier');
    const terminal = await pairDevice(store, owner, 'checkout');
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const reply = await call(store, 'POST', '/api/auth/pin', {
        token: terminal.token,
        body: { username: cashier.username, pin: '0000' },
      });
      statuses.push(reply.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 423]);
  });
});

describe('revocation', () => {
  it('stops the device token and PIN sessions opened on it at once, and is audited', async () => {
    const cashier = await addStaff(store, owner, 'cashier');
    const terminal = await pairDevice(store, owner, 'checkout');
    const pin = await call(store, 'POST', '/api/auth/pin', {
      token: terminal.token,
      body: { username: cashier.username, pin: cashier.pin },
    });
    const revoked = await call(store, 'POST', `/api/devices/${terminal.id}/revoke`, { token: owner });
    expect(revoked.body.revokedAt).not.toBeNull();
    expect((await call(store, 'GET', '/api/auth/me', { token: terminal.token })).status).toBe(401);
    expect((await call(store, 'GET', '/api/auth/me', { token: pin.body.token })).status).toBe(401);
    expect((await call(store, 'GET', '/api/auth/me', { token: cashier.token })).status).toBe(200);
    const list = await call(store, 'GET', '/api/devices', { token: owner });
    expect(list.body.items).toHaveLength(1);
    const audit = await call(store, 'GET', '/api/audit?kind=device.revoked', { token: owner });
    expect(audit.body.items).toHaveLength(1);
  });

  it('answers 404 for an unknown device', async () => {
    const reply = await call(store, 'POST', '/api/devices/nope/revoke', { token: owner });
    expect(reply.status).toBe(404);
  });
});

describe('manager approval', () => {
  async function cashierAtTerminal() {
    const cashier = await addStaff(store, owner, 'cashier');
    const terminal = await pairDevice(store, owner, 'checkout');
    const pin = await call(store, 'POST', '/api/auth/pin', {
      token: terminal.token,
      body: { username: cashier.username, pin: cashier.pin },
    });
    return { cashier, terminal, token: pin.body.token as string };
  }

  it('lets a cashier open the drawer only with a manager PIN, auditing both', async () => {
    const { cashier, terminal, token } = await cashierAtTerminal();
    const manager = await addStaff(store, owner, 'manager');
    const alone = await call(store, 'POST', '/api/drawer/open', { token, body: { reason: '换零钱' } });
    expect(alone.status).toBe(403);

    const approved = await call(store, 'POST', '/api/drawer/open', {
      token,
      body: { reason: '换零钱' },
      headers: { 'Hanger-Approval-User': manager.username, 'Hanger-Approval-Pin': manager.pin },
    });
    // Approved, but this till has no hardware bridge: the cashier is told, never "opened" on trust.
    expect(approved.status).toBe(502);
    expect(approved.body.error).toMatchObject({
      code: 'device_unavailable',
      fields: { drawer: "the till's hardware bridge did not answer" },
    });

    const audit = await call(store, 'GET', '/api/audit?kind=drawer.opened', { token: owner });
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({
      staffId: cashier.id,
      approverId: manager.id,
      deviceId: terminal.id,
      detail: { reason: '换零钱', opened: false },
    });
  });

  it('refuses a wrong approver PIN and an approver who may not either', async () => {
    const { token } = await cashierAtTerminal();
    const manager = await addStaff(store, owner, 'manager');
    const colleague = await addStaff(store, owner, 'cashier');
    const wrongPin = await call(store, 'POST', '/api/drawer/open', {
      token,
      body: { reason: 'x' },
      headers: { 'Hanger-Approval-User': manager.username, 'Hanger-Approval-Pin': '9999' },
    });
    expect(wrongPin.status).toBe(401);
    const notAllowed = await call(store, 'POST', '/api/drawer/open', {
      token,
      body: { reason: 'x' },
      headers: { 'Hanger-Approval-User': colleague.username, 'Hanger-Approval-Pin': colleague.pin },
    });
    expect(notAllowed.status).toBe(403);
    const audit = await call(store, 'GET', '/api/audit?kind=drawer.opened', { token: owner });
    expect(audit.body.items).toHaveLength(0);
  });

  it('lets a manager open the drawer without approval', async () => {
    const manager = await addStaff(store, owner, 'manager');
    const terminal = await pairDevice(store, owner, 'checkout');
    const pin = await call(store, 'POST', '/api/auth/pin', {
      token: terminal.token,
      body: { username: manager.username, pin: manager.pin },
    });
    const reply = await call(store, 'POST', '/api/drawer/open', {
      token: pin.body.token,
      body: { reason: '清点' },
    });
    // Allowed (not 403); with no bridge at this till, the drawer cannot open.
    expect(reply.status).toBe(502);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { may } from '../domain/staff/permissions.js';
import type { Actor } from '../protocol/roles.js';
import { CLOSE, MAX_SCHEMA, MIN_SCHEMA } from '../protocol/ws.js';
import { COMMANDS } from '../server.js';
import { addStaff, call, ownerToken, pairDevice, TestSocket } from '../testing/client.js';
import { startTestStore, type TestStore } from '../testing/harness.js';

let store: TestStore;
let owner: string;
beforeEach(async () => {
  store = await startTestStore({ heartbeatMs: 200, authTimeoutMs: 500 });
  owner = await ownerToken(store);
});
afterEach(() => store.close());

describe('handshake', () => {
  it('greets with hello and the schema range, then accepts a good token', async () => {
    const { socket, hello, auth } = await TestSocket.open(store, owner);
    expect(hello).toEqual({
      type: 'hello',
      version: store.ctx.version,
      minSchema: MIN_SCHEMA,
      maxSchema: MAX_SCHEMA,
    });
    expect(auth).toMatchObject({
      type: 'auth_ok',
      schema: MAX_SCHEMA,
      principal: { kind: 'staff', role: 'owner' },
    });
    const info = await socket.request('session/info');
    expect(info).toMatchObject({ type: 'result', success: true, result: { principal: { role: 'owner' } } });
    socket.close();
  });

  it.each([
    ['a forged token', { type: 'auth', token: 'hgs_forged' }],
    ['a device token never issued', { type: 'auth', token: 'hgd_forged' }],
    ['a request before auth', { id: 1, type: 'session/info' }],
    ['garbage', 'not json at all'],
  ])('closes with 4401 on %s', async (_case, first) => {
    const socket = new TestSocket(store);
    await socket.next();
    socket.send(first);
    expect(await socket.next()).toMatchObject({ type: 'auth_invalid' });
    expect((await socket.closed).code).toBe(CLOSE.unauthorized);
  });

  it('closes a client that never authenticates', async () => {
    const socket = new TestSocket(store);
    await socket.next();
    expect((await socket.closed).code).toBe(CLOSE.authTimeout);
  });

  it('refuses a schema it does not speak', async () => {
    const socket = new TestSocket(store);
    await socket.next();
    socket.send({ type: 'auth', token: owner, schema: MAX_SCHEMA + 1 });
    expect(await socket.next()).toMatchObject({ type: 'auth_invalid' });
    expect((await socket.closed).code).toBe(CLOSE.schemaUnsupported);
  });
});

describe('requests', () => {
  it('answers a malformed frame with an error result and stays usable', async () => {
    const { socket } = await TestSocket.open(store, owner);
    socket.send('{oops');
    expect(await socket.next()).toMatchObject({
      id: null,
      type: 'result',
      success: false,
      error: { code: 'validation_failed', fields: { frame: 'not JSON' } },
    });
    socket.send({ type: 'session/info' });
    expect(await socket.next()).toMatchObject({
      id: null,
      success: false,
      error: { fields: { id: expect.any(String) } },
    });
    socket.send({ id: 7, type: 'no/such_command' });
    expect(await socket.next()).toMatchObject({ id: 7, success: false, error: { code: 'not_found' } });
    const bad = await socket.request('audit/query', { limit: 'lots' });
    expect(bad).toMatchObject({
      success: false,
      error: { code: 'validation_failed', fields: { limit: expect.any(String) } },
    });
    const ok = await socket.request('session/info');
    expect(ok.success).toBe(true);
    socket.close();
  });

  it('answers ping with pong', async () => {
    const { socket } = await TestSocket.open(store, owner);
    expect(await socket.request('ping')).toEqual({ id: 1, type: 'pong' });
    socket.close();
  });

  it('closes a frame over the size limit with 1009', async () => {
    const { socket } = await TestSocket.open(store, owner);
    socket.send({ id: 1, type: 'session/info', padding: 'x'.repeat(100_000) });
    expect((await socket.closed).code).toBe(1009);
  });

  it('drops the connection when the token is revoked mid-session', async () => {
    const terminal = await pairDevice(store, owner, 'checkout');
    const { socket } = await TestSocket.open(store, terminal.token);
    await call(store, 'POST', `/api/devices/${terminal.id}/revoke`, { token: owner });
    expect((await socket.closed).code).toBe(CLOSE.unauthorized);
  });

  it('drops a staff connection whose session expired', async () => {
    const { socket } = await TestSocket.open(store, owner);
    store.clock.advance(13 * 3_600_000);
    expect((await socket.closed).code).toBe(CLOSE.unauthorized);
  });
});

describe('heartbeat', () => {
  it('keeps a client that answers pings and drops one that does not', async () => {
    const lively = (await TestSocket.open(store, owner)).socket;
    const dead = new TestSocket(store, { autoPong: false });
    await dead.next();
    dead.send({ type: 'auth', token: owner });
    await dead.next();
    const closed = await dead.closed;
    expect(closed.code).toBe(1006);
    expect(lively.socket.readyState).toBe(WebSocket.OPEN);
    expect((await lively.request('session/info')).success).toBe(true);
    lively.close();
  });
});

describe('commands and topics respect roles', () => {
  it('refuses each command to every role that may not use it', async () => {
    const terminal = await pairDevice(store, owner, 'checkout');
    const tokens: Record<Actor, string> = {
      owner,
      manager: (await addStaff(store, owner, 'manager')).token,
      cashier: (await addStaff(store, owner, 'cashier')).token,
      checkout: terminal.token,
      display: (await pairDevice(store, owner, 'display', terminal.id)).token,
      lookup: (await pairDevice(store, owner, 'lookup')).token,
      bridge: (await pairDevice(store, owner, 'bridge', terminal.id)).token,
    };
    for (const [actor, token] of Object.entries(tokens) as [Actor, string][]) {
      const { socket } = await TestSocket.open(store, token);
      for (const spec of COMMANDS) {
        if (may(actor, spec.permission)) continue;
        const reply = await socket.request(spec.type, {});
        expect({ actor, type: spec.type, code: reply.error?.code }).toEqual({
          actor,
          type: spec.type,
          code: 'forbidden',
        });
      }
      socket.close();
    }
  });

  it("delivers a bridge's device status to the owner and to the cashier at its terminal only", async () => {
    const terminal = await pairDevice(store, owner, 'checkout');
    const otherTerminal = await pairDevice(store, owner, 'checkout');
    const bridge = await pairDevice(store, owner, 'bridge', terminal.id);
    const here = await addStaff(store, owner, 'cashier');
    const there = await addStaff(store, owner, 'cashier');
    const pinAt = async (token: string, who: typeof here) =>
      (await call(store, 'POST', '/api/auth/pin', { token, body: { username: who.username, pin: who.pin } }))
        .body.token as string;

    const watchers = {
      owner: (await TestSocket.open(store, owner)).socket,
      here: (await TestSocket.open(store, await pinAt(terminal.token, here))).socket,
      there: (await TestSocket.open(store, await pinAt(otherTerminal.token, there))).socket,
    };
    for (const socket of Object.values(watchers)) {
      expect((await socket.request('subscribe', { topic: 'device.status' })).success).toBe(true);
    }
    const lookup = (await TestSocket.open(store, (await pairDevice(store, owner, 'lookup')).token)).socket;
    expect((await lookup.request('subscribe', { topic: 'device.status' })).error.code).toBe('forbidden');

    const reporter = (await TestSocket.open(store, bridge.token)).socket;
    const reported = await reporter.request('devices/report_status', {
      hardwareId: 'printer-1',
      status: 'paper_out',
      reason: '缺纸',
    });
    expect(reported.success).toBe(true);

    for (const socket of [watchers.owner, watchers.here]) {
      const message = await socket.next();
      expect(message).toMatchObject({
        type: 'event',
        event: {
          type: 'device.status',
          data: { terminalId: terminal.id, hardwareId: 'printer-1', status: 'paper_out' },
        },
      });
    }
    // The cashier at the other terminal hears nothing of it: the next thing it gets is its own pong.
    expect(await watchers.there.request('ping')).toMatchObject({ type: 'pong' });
    for (const socket of [...Object.values(watchers), lookup, reporter]) socket.close();
  });

  it("sends a manager-approved drawer opening to the terminal's bridge", async () => {
    const terminal = await pairDevice(store, owner, 'checkout');
    const bridge = await pairDevice(store, owner, 'bridge', terminal.id);
    const cashier = await addStaff(store, owner, 'cashier');
    const manager = await addStaff(store, owner, 'manager');
    const pin = await call(store, 'POST', '/api/auth/pin', {
      token: terminal.token,
      body: { username: cashier.username, pin: cashier.pin },
    });
    const bridgeSocket = (await TestSocket.open(store, bridge.token)).socket;
    expect((await bridgeSocket.request('subscribe', { topic: 'drawer.open' })).success).toBe(true);

    const till = (await TestSocket.open(store, pin.body.token)).socket;
    expect((await till.request('drawer/open', { reason: '找零' })).error.code).toBe('forbidden');
    const asked = till.request('drawer/open', {
      reason: '找零',
      approval: { username: manager.username, pin: manager.pin },
    });
    const event = await bridgeSocket.next();
    expect(event).toMatchObject({
      type: 'event',
      event: { type: 'drawer.open', data: { terminalId: terminal.id } },
    });
    // The till hears "opened" only once the bridge says the kick went out.
    const { requestId } = event.event.data;
    expect((await bridgeSocket.request('drawer/opened', { requestId, opened: true })).success).toBe(true);
    expect(await asked).toMatchObject({ success: true, result: { terminalId: terminal.id } });
    // An answer for nothing, or a second one, changes nothing.
    expect((await bridgeSocket.request('drawer/opened', { requestId, opened: false })).error.code).toBe(
      'not_found',
    );
    const audit = await call(store, 'GET', '/api/audit?kind=drawer.opened', { token: owner });
    expect(audit.body.items[0]).toMatchObject({ staffId: cashier.id, approverId: manager.id });
    bridgeSocket.close();
    till.close();
  });

  it('stops events after unsubscribe', async () => {
    const { socket } = await TestSocket.open(store, owner);
    const subscribed = await socket.request('subscribe', { topic: 'device.paired' });
    await pairDevice(store, owner, 'lookup');
    expect((await socket.next()).event.type).toBe('device.paired');
    expect((await socket.request('unsubscribe', { subscription: subscribed.id })).success).toBe(true);
    await pairDevice(store, owner, 'lookup');
    expect(await socket.request('ping')).toMatchObject({ type: 'pong' });
    socket.close();
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BucketRule, type Door, SIGN_IN_LIMITS } from '../../http/rate-limit.js';
import {
  addStaff,
  call,
  callFrom,
  login,
  ownerToken,
  pairDevice,
  type Reply,
  type TestStaff,
} from '../../testing/client.js';
import { OWNER_PASSWORD, startTestStore, type TestStore } from '../../testing/harness.js';

/** Per-address limits out of the way, so that a burst reaches the lockouts behind them. */
const OPEN_DOORS = Object.fromEntries(
  Object.keys(SIGN_IN_LIMITS).map((door) => [door, { burst: 10_000, perMinute: 10_000 }]),
) as Record<Door, BucketRule>;

const BURST = 150;

let store: TestStore;
let owner: string;
beforeEach(async () => {
  store = await startTestStore({ signInLimits: OPEN_DOORS });
  owner = await ownerToken(store);
});
afterEach(() => store.close());

/** `BURST` requests at once, the right secret at `right`, the others wrong. */
function burst(send: (right: boolean, i: number) => Promise<Reply>, right = 75): Promise<Reply[]> {
  return Promise.all(Array.from({ length: BURST }, (_, i) => send(i === right, i)));
}

function tally(replies: Reply[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const reply of replies) counts[reply.status] = (counts[reply.status] ?? 0) + 1;
  return counts;
}

describe('lockouts hold under a parallel burst', { timeout: 120_000 }, () => {
  it('sign-in: after the fifth wrong password nothing more is checked, not even the right one', async () => {
    const cashier = await addStaff(store, owner, 'cashier');
    const replies = await burst((right, i) =>
      call(store, 'POST', '/api/auth/login', {
        body: { username: cashier.username, password: right ? cashier.password : `guess-${i}` },
      }),
    );
    const counts = tally(replies);
    // Four wrong answers, the fifth counted locks: the right one, far behind, is never checked.
    expect(counts[200]).toBeUndefined();
    expect(counts[401]).toBeLessThanOrEqual(4);
    expect(counts[423]).toBeGreaterThanOrEqual(BURST - 4);

    store.clock.advance(5 * 60_000 + 1);
    expect(await login(store, cashier.username, cashier.password)).toMatch(/^hgs_/);
  });

  it('staff PIN at the terminal: at most five PINs are checked per lock', async () => {
    const terminal = await pairDevice(store, owner, 'checkout');
    const cashier = await addStaff(store, owner, 'cashier');
    const replies = await burst((right, i) =>
      call(store, 'POST', '/api/auth/pin', {
        token: terminal.token,
        body: { username: cashier.username, pin: right ? cashier.pin : String(900_000 + i) },
      }),
    );
    const counts = tally(replies);
    // The right PIN gets through only if it is among the five counted first.
    expect((counts[401] ?? 0) + (counts[200] ?? 0)).toBeLessThanOrEqual(5);
    expect(counts[423]).toBeGreaterThanOrEqual(BURST - 5);
  });

  it('a manager approval PIN brought by a cashier: no phone is unmasked once locked', async () => {
    const manager = await addStaff(store, owner, 'manager');
    const cashier = await addStaff(store, owner, 'cashier');
    const member = await call(store, 'POST', '/api/members', {
      token: owner,
      body: { phone: '13900139000', name: '李娜' },
    });
    const replies = await burst((right, i) =>
      call(store, 'GET', `/api/members/${member.body.id}`, {
        token: cashier.token,
        headers: {
          'hanger-approval-user': manager.username,
          'hanger-approval-pin': right ? manager.pin : String(100_000 + i),
        },
      }),
    );
    expect(replies.filter((reply) => reply.body?.phone === '13900139000')).toEqual([]);
    expect(tally(replies)[423]).toBeGreaterThanOrEqual(BURST - 4);
  });

  it('the member PIN at the lookup kiosk: once locked, not even the right PIN finds the member', async () => {
    const kiosk = await pairDevice(store, owner, 'lookup');
    await call(store, 'POST', '/api/members', {
      token: owner,
      body: { phone: '13700137000', name: '张伟', pin: '2468' },
    });
    for (let i = 0; i < 4; i++) {
      const wrong = await call(store, 'POST', '/api/self/lookup', {
        token: kiosk.token,
        body: { phone: '13700137000', pin: String(1000 + i) },
      });
      expect(wrong.status).toBe(422);
    }
    const replies = await burst((right, i) =>
      call(store, 'POST', '/api/self/lookup', {
        token: kiosk.token,
        body: { phone: '13700137000', pin: right ? '2468' : String(100_000 + i) },
      }),
    );
    const counts = tally(replies);
    expect(counts[200]).toBeUndefined();
    expect(counts[423]).toBe(BURST);
  });
});

describe('a lock is not a tool for strangers', () => {
  it("five wrong passwords from a stranger's address leave the owner signing in from the counter", async () => {
    for (let i = 0; i < 5; i++) {
      await callFrom('127.0.0.2', store, 'POST', '/api/auth/login', {
        body: { username: 'owner', password: `guess-${i}` },
      });
    }
    const stranger = await callFrom('127.0.0.2', store, 'POST', '/api/auth/login', {
      body: { username: 'owner', password: OWNER_PASSWORD },
    });
    expect(stranger.status).toBe(423);
    expect(await login(store, 'owner', OWNER_PASSWORD)).toMatch(/^hgs_/);
    const list = await call(store, 'GET', '/api/staff', { token: owner });
    expect(
      list.body.items.find((s: { username: string }) => s.username === 'owner').lockedUntil,
    ).not.toBeNull();
  });

  it('guesses from many addresses still lock the account everywhere after twenty', async () => {
    const cashier: TestStaff = await addStaff(store, owner, 'cashier');
    const replies = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        callFrom(`127.0.${1 + Math.floor(i / 4)}.${10 + (i % 4)}`, store, 'POST', '/api/auth/login', {
          body: { username: cashier.username, password: `guess-${i}` },
        }),
      ),
    );
    expect(tally(replies)[401]).toBeLessThanOrEqual(20);
    const fresh = await callFrom('127.0.99.1', store, 'POST', '/api/auth/login', {
      body: { username: cashier.username, password: cashier.password },
    });
    expect(fresh.status).toBe(423);
  });
});

describe('pairing requests from strangers', () => {
  const ask = (address: string) =>
    callFrom(address, store, 'POST', '/api/devices/pairings', { body: { kind: 'lookup', name: '自助机' } });

  it('one address cannot fill the waiting list, and the owner can clear it', async () => {
    const stranger = [];
    for (let i = 0; i < 10; i++) stranger.push(await ask('127.0.0.2'));
    expect(stranger.map((reply) => reply.status)).toEqual(Array(10).fill(201));
    // The address keeps only its newest three places: an older one is told to start again.
    const first = stranger[0]?.body;
    const oldest = await callFrom(
      '127.0.0.2',
      store,
      'POST',
      `/api/devices/pairings/${first.pairingId}/claim`,
      {
        body: { secret: first.secret },
      },
    );
    expect(oldest.body).toEqual({ status: 'expired' });
    expect((await ask('127.0.0.3')).status).toBe(201);

    // Strangers at many addresses can still fill it: the owner clears it and pairs at once.
    for (let i = 0; i < 30; i++) await ask(`127.0.1.${10 + i}`);
    expect((await ask('127.0.0.4')).status).toBe(409);
    const cleared = await call(store, 'DELETE', '/api/devices/pairings', { token: owner });
    expect(cleared.status).toBe(200);
    expect(cleared.body.cleared).toBe(20);
    const started = await ask('127.0.0.4');
    expect(started.status).toBe(201);
    const approved = await call(store, 'POST', '/api/devices', {
      token: owner,
      body: { code: started.body.code },
    });
    expect(approved.status).toBe(201);
    const audit = await call(store, 'GET', '/api/audit?kind=device.pairings_cleared', { token: owner });
    expect(audit.body.items).toHaveLength(1);
  });

  it('a cleared pairing tells its device to start again', async () => {
    const started = await ask('127.0.0.2');
    await call(store, 'DELETE', '/api/devices/pairings', { token: owner });
    const poll = await callFrom(
      '127.0.0.2',
      store,
      'POST',
      `/api/devices/pairings/${started.body.pairingId}/claim`,
      {
        body: { secret: started.body.secret },
      },
    );
    expect(poll.body).toEqual({ status: 'expired' });
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addStaff, call, ownerToken, pairDevice, TestSocket } from '../testing/client.js';
import { startTestStore, type TestStore } from '../testing/harness.js';
import { SEEN_EVERY_MS } from './seen.js';

let store: TestStore;
let owner: string;
beforeEach(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
});
afterEach(() => store.close());

async function lastSeen(deviceId: string): Promise<string | null> {
  const reply = await call(store, 'GET', '/api/devices', { token: owner });
  return reply.body.items.find((device: { id: string }) => device.id === deviceId)?.lastSeenAt ?? null;
}

/** Waits for the device's "last seen" to read `expected` (written apart from the frame). */
async function seenAt(deviceId: string, expected: string): Promise<void> {
  for (let tries = 0; tries < 100 && (await lastSeen(deviceId)) !== expected; tries += 1)
    await new Promise((resolve) => setTimeout(resolve, 50));
  expect(await lastSeen(deviceId)).toBe(expected);
}

describe("a device's last seen (the admin's device list)", () => {
  it('follows a till a cashier is signed in at, from its traffic, written at most once a minute', async () => {
    const till = await pairDevice(store, owner, 'checkout');
    const cashier = await addStaff(store, owner, 'cashier');
    const pin = await call(store, 'POST', '/api/auth/pin', {
      token: till.token,
      body: { username: cashier.username, pin: cashier.pin },
    });
    expect(pin.status, JSON.stringify(pin.body)).toBe(200);
    const signedIn = store.clock.now().toISOString();
    const { socket } = await TestSocket.open(store, pin.body.token);
    await seenAt(till.id, signedIn);

    store.clock.advance(SEEN_EVERY_MS / 2);
    expect((await socket.request('ping')).type).toBe('pong');
    expect(await lastSeen(till.id)).toBe(signedIn);

    store.clock.advance(SEEN_EVERY_MS / 2 + 1000);
    const busy = store.clock.now().toISOString();
    expect((await socket.request('session/info')).success).toBe(true);
    await seenAt(till.id, busy);
    socket.close();
  });
});

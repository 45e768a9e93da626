import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLOSE } from '../protocol/ws.js';
import { ownerToken, pairDevice, TestSocket } from '../testing/client.js';
import { startTestStore, type TestStore } from '../testing/harness.js';
import { MAX_SUBSCRIPTIONS, MAX_WAITING_FRAMES } from './hub.js';

let store: TestStore;
let owner: string;
beforeEach(async () => {
  store = await startTestStore({ maxBufferedBytes: 64 * 1024 });
  owner = await ownerToken(store);
});
afterEach(() => store.close());

function stockReceipt(i: number): void {
  store.ctx.bus.publish('stock.changed', store.ctx.store.id, {
    skuId: `sku-${i}`,
    delta: 1,
    onHand: i,
    kind: 'receipt',
    ref: `receipt-${i}`,
  });
}

describe('one socket cannot amplify what the server sends or handles', () => {
  it(`holds at most ${MAX_SUBSCRIPTIONS} subscriptions per socket`, async () => {
    const kiosk = await pairDevice(store, owner, 'lookup');
    const { socket } = await TestSocket.open(store, kiosk.token);
    for (let i = 0; i < MAX_SUBSCRIPTIONS; i++) {
      expect((await socket.request('subscribe', { topic: 'stock.changed' })).success).toBe(true);
    }
    const over = await socket.request('subscribe', { topic: 'stock.changed' });
    expect(over.success).toBe(false);
    expect(over.error.code).toBe('too_many_requests');
    socket.close();
  });

  it('drops a client that stopped reading instead of buffering every event for it', async () => {
    const kiosk = await pairDevice(store, owner, 'lookup');
    const { socket: stalled } = await TestSocket.open(store, kiosk.token);
    for (let i = 0; i < MAX_SUBSCRIPTIONS; i++)
      await stalled.request('subscribe', { topic: 'stock.changed' });
    const { socket: till } = await TestSocket.open(store, owner);
    stalled.socket.pause();
    let sent = 0;
    while (store.running.hub.clientCount > 1 && sent < 20_000) {
      stockReceipt(sent);
      sent += 1;
      if (sent % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(store.running.hub.clientCount).toBe(1);
    expect(await till.request('ping')).toMatchObject({ type: 'pong' });
    till.close();
  });

  it('closes a socket that floods frames (1008); other tills are answered', async () => {
    const { socket: flood } = await TestSocket.open(store, owner);
    const { socket: till } = await TestSocket.open(store, owner);
    const ping = JSON.stringify({ id: 1, type: 'ping' });
    for (let i = 0; i < MAX_WAITING_FRAMES * 50; i++) flood.socket.send(ping);
    expect((await flood.closed).code).toBe(CLOSE.policyViolation);
    expect(await till.request('ping')).toMatchObject({ type: 'pong' });
    till.close();
  });

  it('answers a client that waits for its answers however fast it asks', async () => {
    const { socket } = await TestSocket.open(store, owner);
    for (let i = 0; i < MAX_WAITING_FRAMES * 10; i++)
      expect(await socket.request('ping')).toMatchObject({ type: 'pong' });
    socket.close();
  });
});

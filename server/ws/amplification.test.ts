import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLOSE } from '../protocol/ws.js';
import { ownerToken, pairDevice, TestSocket } from '../testing/client.js';
import { startTestStore, type TestStore } from '../testing/harness.js';
import { MAX_REFUSED_FRAMES, MAX_WAITING_FRAMES, MESSAGES_PER_SECOND } from './hub.js';

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
  it('holds one subscription per topic however often a socket asks for it', async () => {
    const kiosk = await pairDevice(store, owner, 'lookup');
    const { socket } = await TestSocket.open(store, kiosk.token);
    const first = await socket.request('subscribe', { topic: 'stock.changed' });
    expect(first.result).toEqual({ subscription: first.id });
    // More repeats than the 64 subscriptions a socket was once allowed: each is the first one.
    for (let i = 0; i < 100; i++) {
      const again = await socket.request('subscribe', { topic: 'stock.changed' });
      expect(again.result).toEqual({ subscription: first.id });
    }
    stockReceipt(1);
    expect(await socket.next()).toMatchObject({ id: first.id, type: 'event' });
    // One event sent once: the next frame is the ping's answer, not a second copy.
    expect(await socket.request('ping')).toMatchObject({ type: 'pong' });
    expect((await socket.request('unsubscribe', { subscription: first.id })).success).toBe(true);
    stockReceipt(2);
    expect(await socket.request('ping')).toMatchObject({ type: 'pong' });
    socket.close();
  });

  it('drops a client that stopped reading instead of buffering every event for it', async () => {
    const kiosk = await pairDevice(store, owner, 'lookup');
    const { socket: stalled } = await TestSocket.open(store, kiosk.token);
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

  it('closes a socket that keeps sending over the rate even while it waits for answers (1008); other tills are answered', async () => {
    const { socket: flood } = await TestSocket.open(store, owner);
    const { socket: till } = await TestSocket.open(store, owner);
    // Never more than half the unanswered-frame cap out at once, so only the rate can stop it.
    const window = MAX_WAITING_FRAMES / 2;
    let sent = 0;
    let answered = 0;
    let refused = 0;
    let open = true;
    const send = () => {
      sent += 1;
      flood.socket.send(JSON.stringify({ id: sent, type: 'session/info' }));
    };
    flood.socket.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (message.type !== 'result') return;
      answered += 1;
      if (message.error?.code === 'too_many_requests') refused += 1;
      if (open && sent < 200_000) send();
    });
    const closed = flood.closed.then((close) => {
      open = false;
      return close;
    });
    for (let i = 0; i < window; i++) send();
    const started = performance.now();
    const info = await till.request('session/info');
    const waited = performance.now() - started;
    expect(info.success).toBe(true);
    expect((await closed).code).toBe(CLOSE.policyViolation);
    expect(refused).toBeGreaterThan(0);
    // Cut off after its burst and the refusals in a row, not after 200,000 frames.
    expect(answered).toBeLessThan(sent);
    expect(sent).toBeLessThan(10 * MESSAGES_PER_SECOND + MAX_REFUSED_FRAMES);
    expect(waited).toBeLessThan(5000);
    expect(await till.request('ping')).toMatchObject({ type: 'pong' });
    till.close();
  });

  it('answers a client at the rate, and one that slowed down after a refusal', async () => {
    const { socket } = await TestSocket.open(store, owner);
    // The burst (twice the rate; the auth frame took one), each waiting for its answer.
    for (let i = 0; i < 2 * MESSAGES_PER_SECOND - 1; i++)
      expect(await socket.request('ping')).toMatchObject({ type: 'pong' });
    let refusal: { error?: { code: string } } | null = null;
    for (let i = 0; !refusal && i < 10_000; i++) {
      const answer = await socket.request('ping');
      if (answer.type !== 'pong') refusal = answer;
    }
    expect(refusal).toMatchObject({ type: 'result', success: false, error: { code: 'too_many_requests' } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await socket.request('ping')).toMatchObject({ type: 'pong' });
    socket.close();
  });
});

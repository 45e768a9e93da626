import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { CartView } from '../../../server/protocol/cart.js';
import { ownerToken } from '../../../server/testing/client.js';
import { startTestStore, type TestStore } from '../../../server/testing/harness.js';
import { HangerConnection } from './connection.js';

/**
 * The screens' requests take their params and result from the command map in
 * protocol/commands.ts. Checked by the compiler (`npm run typecheck`): each `@ts-expect-error`
 * fails the typecheck as soon as the line under it compiles.
 */
describe('requests against the command map', () => {
  it('types params and results by the command', () => {
    const connection = new HangerConnection({ token: 'not used' });
    const requests = () => {
      // @ts-expect-error: no such command
      void connection.request('cart/ad');
      // @ts-expect-error: cart/remove needs the lineId
      void connection.request('cart/remove');
      // @ts-expect-error: lineId is a string
      void connection.request('cart/remove', { lineId: 1 });
      // @ts-expect-error: cart/held answers a list, not a cart
      const held: Promise<CartView> = connection.request('cart/held');
      const added: Promise<CartView> = connection.request('cart/add', { barcode: '6901234567892' });
      return [held, added];
    };
    expect(typeof requests).toBe('function');
    expect(connection.state).toBe('connecting');
  });
});

/** The browser's WebSocket, played by `ws` in Node, counting the subscribe frames the screen sends. */
class CountingSocket extends WebSocket {
  static subscribes: string[] = [];
  override send(data: string): void {
    const frame = JSON.parse(data) as { type?: string; topic?: string };
    if (frame.type === 'subscribe') CountingSocket.subscribes.push(frame.topic ?? '');
    super.send(data);
  }
}

describe('subscriptions', () => {
  let store: TestStore;
  const browserSocket = globalThis.WebSocket;
  beforeAll(async () => {
    store = await startTestStore();
    globalThis.WebSocket = CountingSocket as unknown as typeof globalThis.WebSocket;
  });
  afterAll(async () => {
    globalThis.WebSocket = browserSocket;
    await store.close();
  });

  it('shares one server subscription per topic among the screen’s listeners', async () => {
    const connection = new HangerConnection({
      token: await ownerToken(store),
      url: `${store.url.replace('http', 'ws')}/ws`,
    });
    const online = new Promise<void>((resolve) =>
      connection.onStateChange((state) => state === 'online' && resolve()),
    );
    connection.connect();
    await online;
    const heard: string[] = [];
    const stopA = connection.subscribe('stock.changed', (event) => heard.push(`a ${event.data.ref}`));
    const stopB = connection.subscribe('stock.changed', (event) => heard.push(`b ${event.data.ref}`));
    // A request answered in turn, after the frames before it (a ping is answered out of turn).
    const settled = () => connection.request('session/info');
    await settled();
    expect(CountingSocket.subscribes).toEqual(['stock.changed']);
    const receipt = (ref: string) =>
      store.ctx.bus.publish('stock.changed', store.ctx.store.id, {
        skuId: 'sku-1',
        delta: 1,
        onHand: 1,
        kind: 'receipt',
        ref,
      });
    receipt('one');
    await settled();
    expect(heard).toEqual(['a one', 'b one']);
    stopA();
    receipt('two');
    await settled();
    expect(heard).toEqual(['a one', 'b one', 'b two']);
    stopB();
    receipt('three');
    await settled();
    expect(heard).toEqual(['a one', 'b one', 'b two']);
    connection.close();
  });
});

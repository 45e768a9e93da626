import { describe, expect, it } from 'vitest';
import type { CartView } from '../../../server/protocol/cart.js';
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

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { command } from './command.js';

/**
 * The command map in protocol/commands.ts holds the server to its word. These checks are made by
 * the compiler (`npm run typecheck`): each `@ts-expect-error` fails the typecheck as soon as the
 * line under it compiles, that is, as soon as the map stops catching the mistake.
 */
const none = z.strictObject({});
const nothing = async () => {
  throw new Error('not called');
};

describe('command specs against the map', () => {
  it('takes a spec that agrees with the map', () => {
    const spec = command({
      type: 'cart/hold',
      permission: 'sale.create',
      summary: 'a spec as the map has it',
      params: z.strictObject({ label: z.string().optional() }),
      handle: nothing,
    });
    expect(spec.type).toBe('cart/hold');
  });

  it('refuses a misspelt type, a wrong field, a wrong field type, a required field the map makes optional, and a wrong result', () => {
    const specs = [
      // @ts-expect-error: no such command in the map
      command({ type: 'cart/ad', permission: 'sale.create', summary: '', params: none, handle: nothing }),
      command({
        type: 'cart/remove',
        permission: 'sale.create',
        summary: '',
        // @ts-expect-error: the map's field is lineId
        params: z.strictObject({ lineid: z.string() }),
        handle: nothing,
      }),
      command({
        type: 'cart/remove',
        permission: 'sale.create',
        summary: '',
        // @ts-expect-error: lineId is a string in the map
        params: z.strictObject({ lineId: z.number() }),
        handle: nothing,
      }),
      command({
        type: 'cart/hold',
        permission: 'sale.create',
        summary: '',
        // @ts-expect-error: the map lets a client leave the label out
        params: z.strictObject({ label: z.string() }),
        handle: nothing,
      }),
      command({
        type: 'cart/hold',
        permission: 'sale.create',
        summary: '',
        params: z.strictObject({ label: z.string().optional() }),
        // @ts-expect-error: cart/hold answers with the cart
        handle: async () => ({ items: [] }),
      }),
    ];
    expect(specs).toHaveLength(5);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../app.js';
import { may } from '../domain/staff/permissions.js';
import type { Actor } from '../protocol/roles.js';
import { addStaff, call, ownerToken, pairDevice } from '../testing/client.js';
import { startTestStore, type TestStore } from '../testing/harness.js';

let store: TestStore;
const tokens = {} as Record<Actor, string>;

beforeAll(async () => {
  store = await startTestStore();
  const owner = await ownerToken(store);
  tokens.owner = owner;
  tokens.manager = (await addStaff(store, owner, 'manager')).token;
  tokens.cashier = (await addStaff(store, owner, 'cashier')).token;
  const terminal = await pairDevice(store, owner, 'checkout');
  tokens.checkout = terminal.token;
  tokens.display = (await pairDevice(store, owner, 'display', terminal.id)).token;
  tokens.lookup = (await pairDevice(store, owner, 'lookup')).token;
  tokens.bridge = (await pairDevice(store, owner, 'bridge', terminal.id)).token;
});
afterAll(() => store.close());

const guarded = ROUTES.filter((route) => route.permission !== 'public');
const concretePath = (path: string) => path.replace(/:(\w+)/g, 'unknown-$1');
const bodyFor = (method: string) => (method === 'GET' ? undefined : {});

describe('every guarded route', () => {
  it.each(guarded.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route] as const))(
    '%s: 401 without a token or with a bad one, 403 for each role that may not',
    async (_name, route) => {
      const path = concretePath(route.path);
      const method = route.method.toUpperCase();
      expect((await call(store, method, path, { body: bodyFor(method) })).status).toBe(401);
      expect((await call(store, method, path, { body: bodyFor(method), token: 'hgs_forged' })).status).toBe(
        401,
      );
      const permission = route.permission as Exclude<typeof route.permission, 'public'>;
      for (const actor of Object.keys(tokens) as Actor[]) {
        if (may(actor, permission)) continue;
        const reply = await call(store, method, path, { body: bodyFor(method), token: tokens[actor] });
        expect({ actor, status: reply.status, code: reply.body?.error?.code }).toEqual({
          actor,
          status: 403,
          code: 'forbidden',
        });
      }
    },
  );

  it('covers every staff role and device kind, each forbidden something', () => {
    for (const actor of Object.keys(tokens) as Actor[]) {
      const forbidden = guarded.filter(
        (route) => !may(actor, route.permission as Exclude<typeof route.permission, 'public'>),
      );
      expect(forbidden.length, actor).toBeGreaterThan(0);
    }
  });
});

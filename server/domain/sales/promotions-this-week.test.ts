import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, ownerToken, pairDevice } from '../../testing/client.js';
import { startTestStore, type TestStore } from '../../testing/harness.js';

/**
 * This week's promotions on the lookup kiosk's idle screen: the kiosk reads what each gives and
 * when, at this store, from now to a week ahead — never the shop's own settings of them.
 */
let store: TestStore;
let owner: string;
let lookup: string;
const DAY = 86_400_000;
const at = (days: number) => new Date(store.clock.now().getTime() + days * DAY).toISOString();

beforeAll(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
  lookup = (await pairDevice(store, owner, 'lookup')).token;
});
afterAll(() => store.close());

async function promotion(body: Record<string, unknown>) {
  const made = await call(store, 'POST', '/api/promotions', { token: owner, body });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  return made.body.id as string;
}

describe('GET /api/promotions/this-week', () => {
  it("lists this week's promotions at this store as customers read them", async () => {
    const spend = await promotion({
      kind: 'spend_save',
      label: '每满300减50',
      steps: [{ threshold: 30000, off: 5000 }],
      repeat: true,
      maxTimes: 3,
      priority: 5,
      exclusiveGroup: '满减',
      conditions: { to: at(5), membersOnly: true },
    });
    const soon = await promotion({
      kind: 'nth_item',
      label: '第二件半价',
      n: 2,
      offBp: 5000,
      priority: 10,
      conditions: { from: at(3), weekdays: [6, 7] },
    });
    await promotion({ kind: 'percent_off', label: '下月八折', offBp: 2000, conditions: { from: at(10) } });
    await promotion({ kind: 'percent_off', label: '上周九折', offBp: 1000, conditions: { to: at(-1) } });
    await promotion({ kind: 'percent_off', label: '暂停', offBp: 1000, active: false });
    await promotion({
      kind: 'percent_off',
      label: '别家门店',
      offBp: 1000,
      conditions: { stores: ['another-store'] },
    });

    const reply = await call(store, 'GET', '/api/promotions/this-week', { token: lookup });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body).toEqual({
      items: [
        {
          id: spend,
          label: '每满300减50',
          offer: { kind: 'spend_save', steps: [{ threshold: 30000, off: 5000 }], repeat: true },
          membersOnly: true,
          from: null,
          to: at(5),
          weekdays: null,
          daysOfMonth: null,
        },
        {
          id: soon,
          label: '第二件半价',
          offer: { kind: 'nth_item', n: 2, offBp: 5000 },
          membersOnly: false,
          from: at(3),
          to: null,
          weekdays: [6, 7],
          daysOfMonth: null,
        },
      ],
    });
    // The promotions themselves (priorities, groups, limits) stay the staff's.
    expect((await call(store, 'GET', '/api/promotions', { token: lookup })).status).toBe(403);
  });
});

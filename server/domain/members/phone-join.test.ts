import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, ownerToken, pairDevice } from '../../testing/client.js';
import { startTestStore, type TestStore } from '../../testing/harness.js';
import { JOIN_TICKET_MS } from './phone-join.js';

/**
 * Joining from one's own phone: the customer display gets a ticket for its QR code, and the
 * phone (no token) joins with it through the public route. Without a valid ticket nothing is made.
 */
let store: TestStore;
let owner: string;
let display: { id: string; token: string };
beforeAll(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
  const till = await pairDevice(store, owner, 'checkout');
  display = await pairDevice(store, owner, 'display', till.id);
});
afterAll(() => store.close());

const ticket = async (token = display.token) => {
  const reply = await call(store, 'POST', '/api/join/tickets', { token });
  expect(reply.status).toBe(201);
  return reply.body.ticket as string;
};
const join = (body: Record<string, unknown>) => call(store, 'POST', '/api/join', { body });
const members = async () =>
  (await call(store, 'GET', '/api/members?q=139', { token: owner })).body.items.length;

describe('joining from a phone', () => {
  it('makes a member with the display’s ticket, recorded against that display', async () => {
    const reply = await join({
      ticket: await ticket(),
      phone: '13912345678',
      name: '陈女士',
      pin: '2580',
      consentMarketing: true,
      acceptTerms: true,
    });
    expect(reply.status).toBe(201);
    expect(reply.body.memberCode).toMatch(/^\d{16}$/);
    expect(reply.body.member).toMatchObject({ name: '陈**', phone: '139****5678', points: 0 });
    const found = await call(store, 'GET', '/api/members?phone=13912345678', { token: owner });
    expect(found.body.items[0].name).toBe('陈女士');
    const audit = await call(store, 'GET', '/api/audit?kind=member.created', { token: owner });
    expect(audit.body.items[0].deviceId).toBe(display.id);

    // The same phone again: already a member.
    const again = await join({ ticket: await ticket(), phone: '13912345678', name: '陈', acceptTerms: true });
    expect(again.status).toBe(409);
  });

  it('refuses a forged, altered or expired ticket, a revoked display’s ticket and unaccepted terms', async () => {
    const before = await members();
    const good = await ticket();
    const body = { phone: '13900000001', name: '赵', acceptTerms: true };
    const cut = good.lastIndexOf('.');
    const otherDevice = `00000000-0000-7000-8000-000000000000${good.slice(36)}`;
    const later = `${good.slice(0, 37)}zzzzzz${good.slice(cut)}`;
    for (const forged of [
      'nonsense',
      `${good}x`,
      `${good.slice(0, cut)}.${'A'.repeat(22)}`,
      otherDevice,
      later,
    ]) {
      const reply = await join({ ...body, ticket: forged });
      expect(reply.status).toBe(400);
      expect(reply.body.error.fields).toEqual({ 'body.ticket': 'not valid' });
    }
    expect((await join({ ...body, ticket: good, acceptTerms: false })).body.error.fields).toHaveProperty(
      'body.acceptTerms',
    );
    expect((await join({ phone: '13900000001', name: '赵', acceptTerms: true })).status).toBe(400);

    store.clock.advance(JOIN_TICKET_MS + 1000);
    const expired = await join({ ...body, ticket: good });
    expect(expired.body.error.fields).toEqual({ 'body.ticket': 'expired' });

    const fresh = await ticket();
    const till = await pairDevice(store, owner, 'checkout');
    const other = await pairDevice(store, owner, 'display', till.id);
    const otherTicket = await ticket(other.token);
    await call(store, 'POST', `/api/devices/${other.id}/revoke`, { token: owner });
    expect((await join({ ...body, ticket: otherTicket })).body.error.fields).toEqual({
      'body.ticket': 'not valid',
    });
    expect(await members()).toBe(before);
    expect((await join({ ...body, ticket: fresh })).status).toBe(201);
  });

  it('gives tickets to customer displays and the lookup kiosk only (its home screen shows the QR)', async () => {
    const kiosk = await pairDevice(store, owner, 'lookup');
    const fromKiosk = await call(store, 'POST', '/api/join/tickets', { token: kiosk.token });
    expect(fromKiosk.status).toBe(201);
    const joined = await join({
      ticket: fromKiosk.body.ticket,
      phone: '13912340099',
      name: '周',
      acceptTerms: true,
    });
    expect(joined.status).toBe(201);
    const till = await pairDevice(store, owner, 'checkout');
    expect((await call(store, 'POST', '/api/join/tickets', { token: till.token })).status).toBe(403);
    expect((await call(store, 'POST', '/api/join/tickets', { token: owner })).status).toBe(403);
    expect((await call(store, 'POST', '/api/join/tickets')).status).toBe(401);
  });
});

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { route } from '../../http/route.js';
import type { SelfJoined } from '../../protocol/members.js';
import type { DevicePrincipal } from '../../protocol/roles.js';
import { newMemberBody } from './schemas.js';
import { selfView } from './self-service.js';
import { createMember } from './service.js';

/**
 * Joining from one's own phone. The customer display (and the lookup kiosk's home screen)
 * shows a QR code with a join ticket; the phone, which has no device token, opens
 * `/join#<ticket>` and signs up through the public `POST /api/join` with that ticket. The
 * ticket says which screen showed it and until when it holds (signed with a key of this
 * server process): sign-ups come from someone who stood in the shop lately, are recorded
 * against that screen, and end with a revoked screen.
 */

/** How long a ticket holds; the display asks for a new one well before. */
export const JOIN_TICKET_MS = 2 * 60 * 60_000;

/** Signs tickets. A new key on each start: a display asks again when it reconnects. */
const KEY = randomBytes(32);

/** 128 bits of HMAC-SHA256: plenty for a two-hour ticket, and a QR code a phone reads at a glance. */
const sign = (payload: string): Buffer => createHmac('sha256', KEY).update(payload).digest().subarray(0, 16);

/**
 * A ticket for the display asking: `<display id>.<expiry, seconds in base 36>.<signature>`, all
 * characters an address carries as they are.
 */
export function joinTicket(ctx: AppContext, device: DevicePrincipal): { ticket: string; expiresAt: string } {
  const expires = Math.floor((ctx.now().getTime() + JOIN_TICKET_MS) / 1000);
  const payload = `${device.deviceId}.${expires.toString(36)}`;
  return {
    ticket: `${payload}.${sign(payload).toString('base64url')}`,
    expiresAt: new Date(expires * 1000).toISOString(),
  };
}

const badTicket = (reason: string) =>
  new ApiError(
    'validation_failed',
    'This join code is not valid any more: scan the code on the display again.',
    {
      'body.ticket': reason,
    },
  );

/** The display a ticket came from, if the ticket is genuine, unexpired and its display still paired. */
export async function checkJoinTicket(ctx: AppContext, ticket: string): Promise<string> {
  const cut = ticket.lastIndexOf('.');
  const payload = ticket.slice(0, Math.max(0, cut));
  const given = Buffer.from(ticket.slice(cut + 1), 'base64url');
  const expected = sign(payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw badTicket('not valid');
  const [deviceId = '', expires = ''] = payload.split('.');
  if (!(Number.parseInt(expires, 36) * 1000 > ctx.now().getTime())) throw badTicket('expired');
  const device = await ctx.storage.db
    .selectFrom('devices')
    .select(['id'])
    .where('id', '=', deviceId)
    .where('store_id', '=', ctx.store.id)
    .where('kind', 'in', ['display', 'lookup'])
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!device) throw badTicket('not valid');
  return device.id;
}

/**
 * A phone joins with the display's ticket, or with a member's invitation code (a friend's QR
 * on a receipt or a phone, opened away from the shop), or both.
 */
const joinBody = newMemberBody
  .omit({ referrerId: true, notes: true, tags: true, styles: true })
  .extend({
    ticket: z.string().min(1).max(200).optional(),
    acceptTerms: z.literal(true, 'the membership terms must be accepted'),
  })
  .refine((body) => body.ticket !== undefined || body.inviteCode !== undefined, {
    message: 'scan the code on the display, or open a friend’s invitation',
    path: ['ticket'],
  });

export const phoneJoinRoutes = [
  route({
    method: 'post',
    path: '/api/join/tickets',
    permission: 'member.join_ticket',
    summary: 'Customer display: a join ticket for its QR code (valid two hours)',
    status: 201,
    handle: async ({ ctx, principal }) => joinTicket(ctx, principal as DevicePrincipal),
  }),
  route({
    method: 'post',
    path: '/api/join',
    limit: 'join',
    permission: 'public',
    summary:
      "Join as a member from one's own phone, with a ticket from the customer display's QR code or a member's invitation code",
    status: 201,
    body: joinBody,
    handle: async ({ ctx, body }): Promise<SelfJoined> => {
      const { acceptTerms: _accepted, ticket, ...member } = body;
      const deviceId = ticket === undefined ? null : await checkJoinTicket(ctx, ticket);
      const row = await createMember(ctx, member, { staffId: null, deviceId });
      return { memberCode: row.code, member: await selfView(ctx, row.id) };
    },
  }),
];

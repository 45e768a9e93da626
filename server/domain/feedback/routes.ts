import { z } from 'zod';
import { route } from '../../http/route.js';
import { MAX_FEEDBACK_COMMENT } from '../../protocol/feedback.js';
import type { DevicePrincipal } from '../../protocol/roles.js';
import { leaveFeedback, listFeedback } from './feedback.js';

export const feedbackRoutes = [
  route({
    method: 'post',
    path: '/api/self/feedback',
    limit: 'feedback',
    permission: 'feedback.leave',
    summary: 'Lookup kiosk: a customer leaves 1–5 stars and an optional comment',
    status: 201,
    body: z.strictObject({
      stars: z.number().int('a whole number of stars').min(1, '1 to 5 stars').max(5, '1 to 5 stars'),
      comment: z.string().max(MAX_FEEDBACK_COMMENT, `at most ${MAX_FEEDBACK_COMMENT} characters`).optional(),
      memberCode: z
        .string()
        .regex(/^\d{16}$/, '16 digits')
        .optional(),
    }),
    handle: ({ ctx, body, principal }) => leaveFeedback(ctx, principal as DevicePrincipal, body),
  }),
  route({
    method: 'get',
    path: '/api/feedback',
    permission: 'feedback.read',
    summary: "Customers' feedback from the lookup kiosk, newest first",
    query: z.strictObject({
      limit: z.coerce.number().int().min(1).max(200).default(50),
      before: z.string().max(64).optional(),
    }),
    handle: ({ ctx, query }) => listFeedback(ctx, query),
  }),
];

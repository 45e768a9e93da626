import { z } from 'zod';
import { route } from '../../http/route.js';
import { assertStaff } from '../staff/sessions.js';
import { cancelPayment, getPayment, paymentBody, takePayment } from './service.js';
import { unfinishedPayments } from './views.js';

const params = z.strictObject({ id: z.string().min(1).max(64) });

export const paymentRoutes = [
  route({
    method: 'post',
    path: '/api/payments',
    permission: 'sale.create',
    summary: "Till: take the customer's WeChat/Alipay payment code (idempotent by the till's id)",
    status: 201,
    body: paymentBody,
    handle: async ({ ctx, body, principal, res }) => {
      assertStaff(principal);
      const { created, payment } = await takePayment(ctx, principal, body);
      if (!created) {
        res.status(200).json(payment);
        return undefined;
      }
      return payment;
    },
  }),
  route({
    method: 'get',
    path: '/api/payments/unfinished',
    permission: 'sale.read',
    summary: 'Money taken by mobile payment that no sale used: to finish the sale or refund',
    handle: ({ ctx }) => unfinishedPayments(ctx),
  }),
  route({
    method: 'get',
    path: '/api/payments/:id',
    permission: 'sale.read',
    summary: 'A mobile payment as it stands (pending while the customer confirms)',
    params,
    handle: ({ ctx, params: p }) => getPayment(ctx, p.id),
  }),
  route({
    method: 'post',
    path: '/api/payments/:id/cancel',
    permission: 'sale.create',
    summary: 'Cancel a mobile payment with its provider (refunded if it had gone through)',
    params,
    handle: ({ ctx, params: p }) => cancelPayment(ctx, p.id),
  }),
];

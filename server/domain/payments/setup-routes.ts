import { z } from 'zod';
import { route } from '../../http/route.js';
import { MERCHANT_KEYS, PAYMENT_MODES } from '../../protocol/payments.js';
import { assertStaff } from '../staff/sessions.js';
import {
  alipaySetupBody,
  setupView,
  upayActivationBody,
  upaySetupBody,
  wechatSetupBody,
  wechatV2SetupBody,
} from './merchant-setup.js';
import { activateUpay, changeMode, removeKeys, saveKeys, testKeys } from './setup.js';

const providerParams = z.strictObject({ provider: z.enum(MERCHANT_KEYS) });

/** The owner's 收款设置: the mode, the merchant's keys (never shown again) and "test connection". */
export const paymentSetupRoutes = [
  route({
    method: 'get',
    path: '/api/payments/setup',
    permission: 'payments.setup',
    summary: 'How this server takes mobile payments and which merchant keys are saved (never a key)',
    handle: async ({ ctx }) => setupView(ctx),
  }),
  route({
    method: 'put',
    path: '/api/payments/setup',
    permission: 'payments.setup',
    summary: 'Mobile payment off, on the simulator, or live with the saved keys',
    body: z.strictObject({ mode: z.enum(PAYMENT_MODES) }),
    handle: ({ ctx, body, principal }) => {
      assertStaff(principal);
      return changeMode(ctx, principal.staffId, body.mode);
    },
  }),
  route({
    method: 'put',
    path: '/api/payments/setup/wechat',
    permission: 'payments.setup',
    summary: "Save the merchant's WeChat Pay API v3 keys",
    body: wechatSetupBody,
    handle: ({ ctx, body, principal }) => {
      assertStaff(principal);
      return saveKeys(ctx, principal.staffId, { provider: 'wechat', keys: body });
    },
  }),
  route({
    method: 'put',
    path: '/api/payments/setup/alipay',
    permission: 'payments.setup',
    summary: "Save the merchant's Alipay app keys",
    body: alipaySetupBody,
    handle: ({ ctx, body, principal }) => {
      assertStaff(principal);
      return saveKeys(ctx, principal.staffId, { provider: 'alipay', keys: body });
    },
  }),
  route({
    method: 'put',
    path: '/api/payments/setup/wechatV2',
    permission: 'payments.setup',
    summary: "Save the merchant's WeChat Pay API v2 keys (API key and API certificate)",
    body: wechatV2SetupBody,
    handle: ({ ctx, body, principal }) => {
      assertStaff(principal);
      return saveKeys(ctx, principal.staffId, { provider: 'wechatV2', keys: body });
    },
  }),
  route({
    method: 'put',
    path: '/api/payments/setup/upay',
    permission: 'payments.setup',
    summary: 'Save an activated 收钱吧 terminal: WeChat and Alipay codes both go through it',
    body: upaySetupBody,
    handle: ({ ctx, body, principal }) => {
      assertStaff(principal);
      return saveKeys(ctx, principal.staffId, { provider: 'upay', keys: body });
    },
  }),
  route({
    method: 'post',
    path: '/api/payments/setup/upay/activate',
    permission: 'payments.setup',
    summary:
      "Activate this server as a 收钱吧 terminal with the owner's 激活码 (the terminal key is kept, never shown)",
    body: upayActivationBody,
    handle: ({ ctx, body, principal }) => {
      assertStaff(principal);
      return activateUpay(ctx, principal.staffId, body);
    },
  }),
  route({
    method: 'delete',
    path: '/api/payments/setup/:provider',
    permission: 'payments.setup',
    summary: 'Remove a set of merchant keys',
    params: providerParams,
    handle: ({ ctx, params, principal }) => {
      assertStaff(principal);
      return removeKeys(ctx, principal.staffId, params.provider);
    },
  }),
  route({
    method: 'post',
    path: '/api/payments/setup/:provider/test',
    permission: 'payments.setup',
    summary: 'Try the saved keys with the provider (a query that charges nothing)',
    params: providerParams,
    handle: ({ ctx, params }) => testKeys(ctx, params.provider),
  }),
];

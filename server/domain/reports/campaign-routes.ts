import { z } from 'zod';
import { ApiError } from '../../http/errors.js';
import { route } from '../../http/route.js';
import { assertStaff } from '../staff/sessions.js';
import {
  CAMPAIGN_CHANNELS,
  campaignMessages,
  campaignResults,
  campaignSettings,
  deliver,
  outbox,
  sendCampaign,
  setCampaignSettings,
  setChannel,
  testSend,
} from './campaigns.js';
import { sendReport } from './export.js';
import { getSegment, segmentDefinition } from './segments.js';

const idParams = z.strictObject({ id: z.string().min(1).max(64) });

/** Campaigns: a template sent to a segment's consenting members, the send log and the results. */
export const campaignRoutes = [
  route({
    method: 'put',
    path: '/api/marketing/channels/:channel',
    permission: 'marketing.manage',
    summary: "Configure a channel's HTTP gateway (sms, wechat); e-mail over SMTP is not supported",
    params: z.strictObject({ channel: z.enum(CAMPAIGN_CHANNELS) }),
    body: z.strictObject({
      url: z.url({ protocol: /^https?$/ }),
      token: z.string().min(1).max(500).optional(),
    }),
    handle: ({ ctx, params, body }) => setChannel(ctx, params.channel, body.url, body.token ?? null),
  }),
  route({
    method: 'get',
    path: '/api/marketing/settings',
    permission: 'marketing.manage',
    summary: 'The frequency cap, quiet hours (store-local) and delivery attempts',
    handle: ({ ctx }) => campaignSettings(ctx),
  }),
  route({
    method: 'put',
    path: '/api/marketing/settings',
    permission: 'marketing.manage',
    summary: 'Change the frequency cap, quiet hours or delivery attempts (fields left out keep their value)',
    body: z.strictObject({
      capCount: z.number().int().min(1).max(100).optional(),
      capDays: z.number().int().min(1).max(365).optional(),
      quietStart: z.number().int().min(0).max(23).optional(),
      quietEnd: z.number().int().min(0).max(23).optional(),
      maxAttempts: z.number().int().min(1).max(10).optional(),
    }),
    handle: ({ ctx, body }) => setCampaignSettings(ctx, body),
  }),
  route({
    method: 'post',
    path: '/api/marketing/outbox/deliver',
    permission: 'marketing.manage',
    summary: "Send the outbox's due messages now (nothing but test sends in quiet hours)",
    handle: ({ ctx }) => deliver(ctx),
  }),
  route({
    method: 'get',
    path: '/api/marketing/outbox',
    permission: 'marketing.manage',
    summary: 'Outbox messages by status (queued, sent, failed) with attempts and the last error',
    query: z.strictObject({
      status: z.enum(['queued', 'sent', 'failed']).default('queued'),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    handle: ({ ctx, query }) => outbox(ctx, query.status, query.limit),
  }),
  route({
    method: 'post',
    path: '/api/marketing/test-send',
    permission: 'marketing.manage',
    summary: "Send a template, filled with sample values, to the owner's own phone or WeChat openid",
    status: 201,
    body: z.strictObject({
      channel: z.enum(CAMPAIGN_CHANNELS),
      to: z.string().trim().min(1).max(64),
      template: z.string().trim().min(1).max(500),
    }),
    handle: ({ ctx, body }) => testSend(ctx, body.channel, body.to, body.template),
  }),
  route({
    method: 'post',
    path: '/api/campaigns',
    permission: 'marketing.manage',
    summary: 'Send a message template to the consenting members of a segment (gateway, or CSV)',
    status: 201,
    body: z
      .strictObject({
        name: z.string().trim().min(1).max(60),
        channel: z.enum(CAMPAIGN_CHANNELS),
        template: z.string().trim().min(1).max(500),
        segmentId: z.string().min(1).max(64).optional(),
        definition: segmentDefinition.optional(),
        couponTemplateId: z.string().min(1).max(64).optional(),
      })
      .refine((b) => (b.segmentId === undefined) !== (b.definition === undefined), {
        message: 'give either segmentId or definition',
        path: ['segmentId'],
      }),
    handle: async ({ ctx, body, principal }) => {
      assertStaff(principal);
      const definition = body.definition ?? (await getSegment(ctx, body.segmentId ?? '')).definition;
      if (!definition)
        throw new ApiError('validation_failed', 'No segment.', { 'body.segmentId': 'required' });
      return sendCampaign(
        ctx,
        {
          name: body.name,
          channel: body.channel,
          template: body.template,
          definition,
          couponTemplateId: body.couponTemplateId,
        },
        principal.staffId,
      );
    },
  }),
  route({
    method: 'get',
    path: '/api/campaigns/:id/messages',
    permission: 'marketing.manage',
    summary: "A campaign's send log (?format=csv: the recipients and messages to send by hand)",
    params: idParams,
    query: z.strictObject({ format: z.enum(['json', 'csv', 'xlsx']).default('json') }),
    handle: async ({ ctx, params, query, res }) =>
      sendReport(res, await campaignMessages(ctx, params.id), query.format),
  }),
  route({
    method: 'get',
    path: '/api/campaigns/:id/results',
    permission: 'report.read',
    summary: 'Recipients who came back within `days` days (default 14) and their revenue',
    params: idParams,
    query: z.strictObject({ days: z.coerce.number().int().min(1).max(365).default(14) }),
    handle: ({ ctx, params, query }) => campaignResults(ctx, params.id, query.days),
  }),
];

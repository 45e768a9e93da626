import { z } from 'zod';
import { ApiError } from '../../http/errors.js';
import { route } from '../../http/route.js';
import { assertStaff } from '../staff/sessions.js';
import {
  CAMPAIGN_CHANNELS,
  campaignMessages,
  campaignResults,
  sendCampaign,
  setChannel,
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

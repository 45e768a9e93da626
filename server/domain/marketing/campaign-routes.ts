import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { ApiError, notFound } from '../../errors.js';
import { route } from '../../http/route.js';
import { OUTBOX_STATUSES, TRIGGER_KINDS, type TriggerList } from '../../protocol/campaigns.js';
import { CHANNELS } from '../../protocol/members.js';
import type { SegmentDefinition } from '../../protocol/segments.js';
import { sendReport } from '../reports/export.js';
import { assertStaff } from '../staff/sessions.js';
import {
  campaignMessages,
  campaignResults,
  campaignSettings,
  deliver,
  listCampaigns,
  outbox,
  PLACEHOLDERS,
  previewCampaign,
  sendCampaign,
  setCampaignSettings,
  testSend,
} from './campaigns.js';
import {
  listChannels,
  removeChannel,
  setGateway,
  setSmsProvider,
  setSmtp,
  smtpSettings,
} from './channels.js';
import { getSegment, segmentDefinition } from './segments.js';
import { pullSmsFeedback, pushedReplies } from './sms-feedback.js';
import { smsProviderSettings } from './sms-provider.js';
import { listTriggers, runTriggers, setTrigger, TRIGGER_DAYS, triggerInput } from './triggers.js';

const idParams = z.strictObject({ id: z.string().min(1).max(64) });

/** An SMS provider's approved template: Alibaba `SMS_123456789`, Tencent `1234567`. */
const templateCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_]{1,40}$/, 'a template code such as SMS_123456789 or 1234567');

/** A 群发: the channel, the template and the members: a saved segment or a definition. */
const campaignBody = z.strictObject({
  channel: z.enum(CHANNELS),
  template: z.string().trim().min(1).max(500),
  segmentId: z.string().min(1).max(64).optional(),
  definition: segmentDefinition.optional(),
  couponTemplateId: z.string().min(1).max(64).optional(),
});

async function definitionOf(
  ctx: AppContext,
  body: { segmentId?: string | undefined; definition?: SegmentDefinition | undefined },
): Promise<SegmentDefinition> {
  if ((body.segmentId === undefined) === (body.definition === undefined)) {
    throw new ApiError('validation_failed', 'Give either segmentId or definition.', {
      'body.segmentId': 'give either segmentId or definition',
    });
  }
  return body.definition ?? (await getSegment(ctx, body.segmentId ?? '')).definition;
}
const secret = z.string().min(1).max(500).nullable().optional();

/** Campaigns: channels, delivery settings, the outbox, automatic triggers, sends and their results. */
export const campaignRoutes = [
  route({
    method: 'get',
    path: '/api/marketing/channels',
    permission: 'marketing.manage',
    summary: 'Every channel, configured or not; tokens and passwords are never given back',
    handle: ({ ctx }) => listChannels(ctx),
  }),
  route({
    method: 'put',
    path: '/api/marketing/channels/email',
    permission: 'marketing.manage',
    summary: 'Configure e-mail over SMTP (password left out: kept; null: removed)',
    body: smtpSettings.extend({ password: secret }),
    handle: ({ ctx, body, principal }) => {
      assertStaff(principal);
      const { password, ...settings } = body;
      return setSmtp(ctx, principal.staffId, settings, password);
    },
  }),
  route({
    method: 'put',
    path: '/api/marketing/channels/:channel',
    permission: 'marketing.manage',
    summary: "Configure an SMS or WeChat channel's HTTP gateway (token left out: kept; null: removed)",
    params: z.strictObject({ channel: z.enum(['sms', 'wechat']) }),
    body: z.strictObject({ url: z.url({ protocol: /^https?$/ }), token: secret }),
    handle: ({ ctx, params, body, principal }) => {
      assertStaff(principal);
      return setGateway(ctx, principal.staffId, params.channel, body.url, body.token);
    },
  }),
  route({
    method: 'put',
    path: '/api/marketing/channels/sms/provider',
    permission: 'marketing.manage',
    summary:
      'SMS through Alibaba Cloud {accessKeyId, signName} or Tencent Cloud {secretId, sdkAppId, region, signName}; the key secret is kept for the server (left out: kept)',
    body: z.intersection(
      smsProviderSettings,
      z.object({ secret: z.string().trim().min(8).max(200).optional() }),
    ),
    handle: ({ ctx, body, principal }) => {
      assertStaff(principal);
      const { secret, ...settings } = body;
      return setSmsProvider(ctx, principal.staffId, smsProviderSettings.parse(settings), secret);
    },
  }),
  route({
    method: 'post',
    path: '/api/marketing/sms/pull',
    permission: 'marketing.manage',
    summary: 'Ask the SMS provider for delivery receipts and replies now (the server does every minute)',
    handle: ({ ctx }) => pullSmsFeedback(ctx),
  }),
  route({
    method: 'post',
    path: '/api/marketing/sms/replies/:key',
    permission: 'public',
    summary:
      "Alibaba Cloud pushes replies (上行消息) here; the key is the store's, shown on the channels page. TD/T/退订 withdraw SMS consent",
    params: z.strictObject({ key: z.string().min(1).max(64) }),
    body: z
      .array(
        z.looseObject({
          phone_number: z.string().min(5).max(20),
          content: z.string().max(500),
        }),
      )
      .max(1000),
    handle: async ({ ctx, params, body }) => {
      const done = await pushedReplies(
        ctx,
        params.key,
        body.map((reply) => ({ phone: reply.phone_number, text: reply.content })),
      );
      if (done === null) throw notFound('reply address', params.key);
      // The answer Alibaba expects, or it pushes again.
      return { code: 0, msg: '成功' };
    },
  }),
  route({
    method: 'delete',
    path: '/api/marketing/channels/:channel',
    permission: 'marketing.manage',
    summary: "Remove a channel's configuration; its messages go to the CSV again",
    params: z.strictObject({ channel: z.enum(CHANNELS) }),
    handle: ({ ctx, params }) => removeChannel(ctx, params.channel),
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
      smsPriceFen: z.number().int().min(0).max(1000).optional(),
      smsOptOut: z.string().trim().min(2).max(20).optional(),
    }),
    handle: ({ ctx, body }) => setCampaignSettings(ctx, body),
  }),
  route({
    method: 'get',
    path: '/api/marketing/triggers',
    permission: 'marketing.manage',
    summary: 'The automatic triggers with their settings, what their days mean and the placeholders',
    handle: async ({ ctx }): Promise<TriggerList> => ({
      items: await listTriggers(ctx),
      days: TRIGGER_DAYS,
      placeholders: PLACEHOLDERS,
    }),
  }),
  route({
    method: 'put',
    path: '/api/marketing/triggers/:kind',
    permission: 'marketing.manage',
    summary: 'Switch a trigger on or off with its days, channel, template and coupon template',
    params: z.strictObject({ kind: z.enum(TRIGGER_KINDS) }),
    body: triggerInput,
    handle: ({ ctx, params, body }) => setTrigger(ctx, params.kind, body),
  }),
  route({
    method: 'post',
    path: '/api/marketing/triggers/run',
    permission: 'marketing.manage',
    summary: 'Evaluate the switched-on triggers now (the server does it every hour)',
    handle: ({ ctx }) => runTriggers(ctx),
  }),
  route({
    method: 'post',
    path: '/api/marketing/outbox/deliver',
    permission: 'marketing.manage',
    summary:
      "Send the outbox's due messages now (the server also does on its own; only test sends in quiet hours)",
    handle: ({ ctx }) => deliver(ctx),
  }),
  route({
    method: 'get',
    path: '/api/marketing/outbox',
    permission: 'marketing.manage',
    summary: 'Outbox messages by status (queued, sent, failed) with attempts, the last error and counts',
    query: z.strictObject({
      status: z.enum(OUTBOX_STATUSES).default('queued'),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    handle: ({ ctx, query }) => outbox(ctx, query.status, query.limit),
  }),
  route({
    method: 'post',
    path: '/api/marketing/test-send',
    permission: 'marketing.manage',
    summary: "Send a template, filled with sample values, to the owner's own phone, WeChat openid or e-mail",
    status: 201,
    body: z.strictObject({
      channel: z.enum(CHANNELS),
      to: z.string().trim().min(1).max(254),
      template: z.string().trim().min(1).max(500),
      templateCode: templateCode.optional(),
    }),
    handle: ({ ctx, body }) => testSend(ctx, body.channel, body.to, body.template, body.templateCode),
  }),
  route({
    method: 'get',
    path: '/api/campaigns',
    permission: 'marketing.manage',
    summary: 'The newest campaigns, by hand or by a trigger, with their messages per status',
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
    handle: ({ ctx, query }) => listCampaigns(ctx, query.limit),
  }),
  route({
    method: 'post',
    path: '/api/campaigns',
    permission: 'marketing.manage',
    summary: 'Queue a message template for the consenting members of a segment (channel, or CSV)',
    status: 201,
    body: campaignBody.extend({
      name: z.string().trim().min(1).max(60),
      templateCode: templateCode.optional(),
    }),
    handle: async ({ ctx, body, principal }) => {
      assertStaff(principal);
      return sendCampaign(
        ctx,
        {
          name: body.name,
          channel: body.channel,
          template: body.template,
          definition: await definitionOf(ctx, body),
          couponTemplateId: body.couponTemplateId,
          templateCode: body.templateCode,
        },
        principal.staffId,
      );
    },
  }),
  route({
    method: 'post',
    path: '/api/campaigns/preview',
    permission: 'marketing.manage',
    summary:
      'Before a 群发: recipients and who is left out, the first messages, and for SMS the count (签名, 退订 line) and cost',
    body: campaignBody,
    handle: async ({ ctx, body }) =>
      previewCampaign(ctx, {
        channel: body.channel,
        template: body.template,
        definition: await definitionOf(ctx, body),
        couponTemplateId: body.couponTemplateId,
      }),
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

import { z } from 'zod';
import { route } from '../../http/route.js';
import type { CountedSegment, SegmentList, SegmentPreview } from '../../protocol/segments.js';
import { storeDate } from '../loyalty/calendar.js';
import { sendReport } from '../reports/export.js';
import { assertStaff } from '../staff/sessions.js';
import {
  deleteSegment,
  getSegment,
  listSegments,
  saveSegment,
  segmentDefinition,
  segmentMembers,
  segmentReport,
} from './segments.js';

const idParams = z.strictObject({ id: z.string().min(1).max(64) });
const SAMPLE = 50;

/** The segment builder: a live count for a definition, saved segments and their members. */
export const segmentRoutes = [
  route({
    method: 'post',
    path: '/api/segments/preview',
    permission: 'report.read',
    summary: 'How many members a segment definition picks now, with the first 50',
    body: z.strictObject({ definition: segmentDefinition }),
    handle: async ({ ctx, body }): Promise<SegmentPreview> => {
      const members = await segmentMembers(ctx, body.definition);
      return { count: members.length, members: members.slice(0, SAMPLE) };
    },
  }),
  route({
    method: 'get',
    path: '/api/segments',
    permission: 'report.read',
    summary: 'Saved segments with their member count now',
    handle: async ({ ctx }): Promise<SegmentList> => {
      const items = await listSegments(ctx);
      const counted: CountedSegment[] = [];
      for (const item of items)
        counted.push({ ...item, count: (await segmentMembers(ctx, item.definition)).length });
      return { items: counted };
    },
  }),
  route({
    method: 'post',
    path: '/api/segments',
    permission: 'segment.manage',
    summary: 'Save a segment under a name (unique in the store)',
    status: 201,
    body: z.strictObject({ name: z.string().trim().min(1).max(60), definition: segmentDefinition }),
    handle: ({ ctx, body, principal }) => {
      assertStaff(principal);
      return saveSegment(ctx, body, principal.staffId);
    },
  }),
  route({
    method: 'get',
    path: '/api/segments/:id/members',
    permission: 'report.read',
    summary: "A saved segment's members now (?format=csv|xlsx), without phone numbers",
    params: idParams,
    query: z.strictObject({ format: z.enum(['json', 'csv', 'xlsx']).default('json') }),
    handle: async ({ ctx, params, query, res }) => {
      const segment = await getSegment(ctx, params.id);
      const members = await segmentMembers(ctx, segment.definition);
      const today = storeDate(ctx.now(), ctx.store.timeZone);
      return sendReport(res, segmentReport(segment.name, today, members), query.format);
    },
  }),
  route({
    method: 'delete',
    path: '/api/segments/:id',
    permission: 'segment.manage',
    summary: 'Delete a saved segment',
    params: idParams,
    handle: ({ ctx, params }) => deleteSegment(ctx, params.id),
  }),
];

import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { route } from '../../http/route.js';
import type { Report } from '../../protocol/reports.js';
import type { Principal } from '../../protocol/roles.js';
import { RFM_SEGMENTS } from '../../protocol/segments.js';
import { withDescendants } from '../catalog/categories.js';
import { sendReport } from './export.js';
import {
  dormant,
  liabilities,
  MEMBER_LIST_ROWS,
  memberSummary,
  rfmReport,
  rfmSegments,
  tiers,
} from './members.js';
import { couponResults, promotionResults } from './promotions.js';
import { type DayRange, rangeQuery, resolveRange } from './range.js';
import { referralsReport } from './referrals.js';
import {
  bestSellers,
  discounts,
  grossMargin,
  returnsReport,
  salesByCategory,
  salesByColour,
  salesByDay,
  salesByHour,
  salesByPayment,
  salesByStaff,
  salesByStyle,
  salesByWeekday,
  sizeCurve,
  slowSellers,
  stockValue,
} from './sales.js';
import { reportStore, salesByStore } from './scope.js';

type Build = (ctx: AppContext, range: DayRange) => Promise<Report>;

/** The reports that need nothing but a range: name → what it computes. */
const PLAIN: Record<string, { summary: string; build: Build }> = {
  'sales-by-day': {
    summary: 'Sales, discounts, returns and net per store day',
    build: (c, r) => salesByDay(c.storage.db, c, r),
  },
  'sales-by-hour': {
    summary: 'Sales per hour of the day (store time)',
    build: (c, r) => salesByHour(c.storage.db, c, r),
  },
  'sales-by-weekday': { summary: 'Sales per weekday', build: (c, r) => salesByWeekday(c.storage.db, c, r) },
  'sales-by-category': {
    summary: 'Units, sales, returns, cost and margin per category',
    build: (c, r) => salesByCategory(c.storage.db, c, r),
  },
  'sales-by-style': {
    summary: 'Units, sales, returns, cost and margin per style',
    build: (c, r) => salesByStyle(c.storage.db, c, r),
  },
  'sales-by-colour': {
    summary: 'Units and sales per colour',
    build: (c, r) => salesByColour(c.storage.db, c, r),
  },
  'sales-by-staff': {
    summary: 'Sales, average basket and returns per staff member',
    build: (c, r) => salesByStaff(c.storage.db, c, r),
  },
  'sales-by-payment': {
    summary: 'Money taken and refunded per payment method',
    build: (c, r) => salesByPayment(c.storage.db, c, r),
  },
  'best-sellers': {
    summary: 'Styles that sold most (net units)',
    build: (c, r) => bestSellers(c.storage.db, c, r),
  },
  'slow-sellers': {
    summary: 'Styles in stock that sold least',
    build: (c, r) => slowSellers(c.storage.db, c, r),
  },
  'gross-margin': {
    summary: 'Net sales, cost (style cost when sold × units) and margin per category',
    build: (c, r) => grossMargin(c.storage.db, c, r),
  },
  discounts: {
    summary: 'Discounts per promotion, coupon and source',
    build: (c, r) => discounts(c.storage.db, c, r),
  },
  returns: { summary: 'Every return in the range', build: (c, r) => returnsReport(c.storage.db, c, r) },
  'stock-value': {
    summary: 'Stock on hand now at cost and at retail, per category',
    build: (c, r) => stockValue(c.storage.db, c, r),
  },
  members: {
    summary: 'Member share of sales, new, active and repeat members, baskets, lifetime value',
    build: (c, r) => memberSummary(c.storage.db, c, r),
  },
  'rfm-segments': {
    summary: 'Members per RFM segment as of the last day',
    build: (c, r) => rfmSegments(c.storage.db, c, r),
  },
  tiers: {
    summary: 'Members per tier and tier moves in the range',
    build: (c, r) => tiers(c.storage.db, c, r),
  },
  liabilities: {
    summary: 'Points and stored value owed to members at the end of `to`, from the ledgers',
    build: (c, r) => liabilities(c.storage.db, r),
  },
  promotions: {
    summary: 'Sales and discount cost per promotion',
    build: (c, r) => promotionResults(c.storage.db, c, r),
  },
  coupons: {
    summary: 'Coupons issued and redeemed per template, and their cost',
    build: (c, r) => couponResults(c.storage.db, c, r),
  },
  referrals: {
    summary: 'Who invited whom, the rewards of the first purchase, and those taken back',
    build: (c, r) => referralsReport(c.storage.db, c, r),
  },
};

/** Member lists: JSON answers the first `limit` rows (1000 unless given); CSV and XLSX carry all unless given. */
const memberListLimit = z.coerce.number().int().min(1).max(1_000_000).optional();
const rowsFor = (query: { format: string; limit?: number | undefined }) =>
  query.limit ?? (query.format === 'json' ? MEMBER_LIST_ROWS : undefined);

export const REPORT_NAMES = [
  ...Object.keys(PLAIN),
  'size-curve',
  'rfm',
  'dormant',
  'sales-by-store',
] as const;

/** A store of the chain by its code (`?store=BR02`). */
export const storeCode = z.string().regex(/^[A-Z0-9-]{1,16}$/, 'a store code');
/** A store's reports: this store's unless head office names another store of the chain. */
const reportQuery = rangeQuery.extend({ store: storeCode.optional() });

export const reportsRoutes = [
  ...Object.entries(PLAIN).map(([name, spec]) =>
    route({
      method: 'get',
      path: `/api/reports/${name}`,
      permission: 'report.read',
      summary: `${spec.summary} (?from&to store days; ?format=csv|xlsx)`,
      query: reportQuery,
      handle: async ({ ctx, query, res, principal }) => {
        const scoped = await reportStore(ctx, principal as Principal, query.store);
        return sendReport(res, await spec.build(scoped, resolveRange(scoped, query)), query.format);
      },
    }),
  ),
  route({
    method: 'get',
    path: '/api/reports/size-curve',
    permission: 'report.read',
    summary:
      'Per run of sizes (S–XXL, 25–34, 100–130) and size: received, sold net of returns, share of its run and sell-through; ?category: that category and those below it',
    query: reportQuery.extend({ category: z.string().min(1).max(64).optional() }),
    handle: async ({ ctx, query, res, principal }) => {
      const scoped = await reportStore(ctx, principal as Principal, query.store);
      const categories = query.category
        ? await withDescendants(scoped.storage.db, scoped, [query.category])
        : null;
      return sendReport(
        res,
        await sizeCurve(scoped.storage.db, scoped, resolveRange(scoped, query), categories),
        query.format,
      );
    },
  }),
  route({
    method: 'get',
    path: '/api/reports/sales-by-store',
    permission: 'report.read',
    summary: 'Sales, returns and net per store of the chain (head office: every store; others: their own)',
    query: rangeQuery,
    handle: async ({ ctx, query, res, principal }) =>
      sendReport(
        res,
        await salesByStore(ctx, principal as Principal, resolveRange(ctx, query)),
        query.format,
      ),
  }),
  route({
    method: 'get',
    path: '/api/reports/rfm',
    permission: 'report.read',
    summary:
      'RFM scores (quintiles) and segment of every buying member as of `to`; ?segment filters; JSON: the first `limit` (1000)',
    query: reportQuery.extend({ segment: z.enum(RFM_SEGMENTS).optional(), limit: memberListLimit }),
    handle: async ({ ctx, query, res, principal }) => {
      const scoped = await reportStore(ctx, principal as Principal, query.store);
      return sendReport(
        res,
        await rfmReport(
          scoped.storage.db,
          scoped,
          resolveRange(scoped, query),
          query.segment,
          rowsFor(query),
        ),
        query.format,
      );
    },
  }),
  route({
    method: 'get',
    path: '/api/reports/dormant',
    permission: 'report.read',
    summary:
      'Members with no purchase in the last `days` days before `to` (default 90); JSON: the first `limit` (1000)',
    query: reportQuery.extend({
      days: z.coerce.number().int().min(1).max(3650).default(90),
      limit: memberListLimit,
    }),
    handle: async ({ ctx, query, res, principal }) => {
      const scoped = await reportStore(ctx, principal as Principal, query.store);
      return sendReport(
        res,
        await dormant(scoped.storage.db, scoped, resolveRange(scoped, query), query.days, rowsFor(query)),
        query.format,
      );
    },
  }),
];

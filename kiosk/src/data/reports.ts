import type { Report } from '../../../server/protocol/reports.js';
import type {
  CountedSegment,
  SavedSegment,
  SegmentDefinition,
  SegmentList,
  SegmentPreview,
} from '../../../server/protocol/segments.js';
import { type ApiAuth, call, send, withQuery } from './http.js';

export type {
  Report,
  ReportCell,
  ReportColumn,
  ReportRow,
} from '../../../server/protocol/reports.js';
export type {
  CountedSegment,
  RfmSegment,
  SavedSegment,
  SegmentDefinition,
  SegmentMember,
} from '../../../server/protocol/segments.js';
export { RFM_SEGMENTS } from '../../../server/protocol/segments.js';

export interface DayRange {
  from: string;
  to: string;
}

/** The reports the admin page lists as tables, in menu order. */
export const TABLE_REPORTS = [
  'sales-by-day',
  'sales-by-hour',
  'sales-by-weekday',
  'sales-by-category',
  'sales-by-style',
  'sales-by-colour',
  'size-curve',
  'sales-by-staff',
  'sales-by-payment',
  'best-sellers',
  'slow-sellers',
  'gross-margin',
  'discounts',
  'promotions',
  'coupons',
  'returns',
  'stock-value',
  'members',
  'rfm-segments',
  'rfm',
  'dormant',
  'tiers',
  'liabilities',
  'referrals',
] as const;
export type ReportName = (typeof TABLE_REPORTS)[number];

/**
 * A report of this store, or of another store of the chain (`store`, head office only); the size
 * curve of one category and those below it (`category`, its id).
 */
export function report(
  auth: ApiAuth,
  name: ReportName,
  range: DayRange,
  store?: string,
  category?: string,
): Promise<Report> {
  return call<Report>(auth, 'GET', `/api/reports/${name}`, { query: { ...range, store, category } });
}

/** Sales, returns and net per store of the chain, with the chain's totals (a branch: its own row). */
export function salesByStore(auth: ApiAuth, range: DayRange): Promise<Report> {
  return call<Report>(auth, 'GET', '/api/reports/sales-by-store', { query: { ...range } });
}

/** The report as a CSV or XLSX file, with the name the server gave it. */
export async function reportFile(
  auth: ApiAuth,
  name: ReportName,
  range: DayRange,
  format: 'csv' | 'xlsx',
  store?: string,
  category?: string,
): Promise<{ blob: Blob; fileName: string }> {
  const response = await send(
    auth,
    'GET',
    withQuery(`/api/reports/${name}`, { ...range, format, store, category }),
  );
  const disposition = response.headers.get('content-disposition') ?? '';
  const fileName = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? `${name}.${format}`;
  return { blob: await response.blob(), fileName };
}

export function previewSegment(
  auth: ApiAuth,
  definition: SegmentDefinition,
  signal?: AbortSignal,
): Promise<SegmentPreview> {
  return call(auth, 'POST', '/api/segments/preview', { body: { definition }, ...(signal && { signal }) });
}

export async function listSegments(auth: ApiAuth): Promise<CountedSegment[]> {
  return (await call<SegmentList>(auth, 'GET', '/api/segments')).items;
}

export function saveSegment(
  auth: ApiAuth,
  name: string,
  definition: SegmentDefinition,
): Promise<SavedSegment> {
  return call(auth, 'POST', '/api/segments', { body: { name, definition } });
}

export function deleteSegment(auth: ApiAuth, id: string): Promise<void> {
  return call(auth, 'DELETE', `/api/segments/${id}`);
}

export async function segmentFile(auth: ApiAuth, id: string): Promise<{ blob: Blob; fileName: string }> {
  const response = await send(auth, 'GET', `/api/segments/${id}/members?format=csv`);
  const disposition = response.headers.get('content-disposition') ?? '';
  const fileName = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? 'segment.csv';
  return { blob: await response.blob(), fileName };
}

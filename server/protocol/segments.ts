/** Member segments as the segment builder sees them. Money in fen. */

/** RFM segments, from the best customers to the lost ones. */
export const RFM_SEGMENTS = [
  'champions',
  'loyal',
  'new',
  'potential',
  'need_attention',
  'at_risk',
  'hibernating',
  'lost',
] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];

/** Lower and upper bound, both inclusive, either left out. */
export interface Bounds {
  min?: number | undefined;
  max?: number | undefined;
}

/**
 * A member segment: every condition given must hold (AND); inside a list any value will do
 * (OR).
 */
export interface SegmentDefinition {
  /** Tier codes. */
  tiers?: string[] | undefined;
  /** Profile tags. */
  tags?: string[] | undefined;
  /** A size in the member's profile (top, bottom, shoes) or a size they bought. */
  sizes?: string[] | undefined;
  /** Category ids: bought something in the category or below it. */
  categories?: string[] | undefined;
  /** RFM segments as of today. */
  rfmSegments?: RfmSegment[] | undefined;
  /** Birth months, 1–12. */
  birthdayMonths?: number[] | undefined;
  /** Days since the last purchase (members who never bought have none and do not match). */
  daysSinceLastVisit?: Bounds | undefined;
  /** Net spend over all history, fen. */
  spend?: Bounds | undefined;
  /** The store the member belongs to (chain mode); this store only for now. */
  storeId?: string | undefined;
}

export interface SegmentMember {
  memberId: string;
  number: number;
  name: string;
  tier: string;
  segment: string;
  lastDay: string | null;
  daysSince: number | null;
  spend: number;
}

/** `POST /api/segments/preview`: how many members a definition picks now, with the first 50. */
export interface SegmentPreview {
  count: number;
  members: SegmentMember[];
}

export interface SavedSegment {
  id: string;
  name: string;
  definition: SegmentDefinition;
  createdAt: string;
  updatedAt: string;
}

/** A saved segment with its member count now. */
export interface CountedSegment extends SavedSegment {
  count: number;
}

/** `GET /api/segments`. */
export interface SegmentList {
  items: CountedSegment[];
}

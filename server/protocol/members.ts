import type { ReferralReward } from './loyalty.js';
/** Members as the till and the admin page see them. Money in fen. */

/** The ways a member may agree to be written to. */
export const CHANNELS = ['sms', 'wechat', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

/** A merged member points to the one it became; an erased one keeps no personal data. */
export type MemberStatus = 'active' | 'merged' | 'erased';

export type Consents = Partial<Record<Channel, { given: boolean; at: string }>>;

/** A member as shown; `phone` and `email` masked unless the caller may see them (or brought an approval). */
export interface MemberView {
  id: string;
  number: number;
  code: string;
  phone: string | null;
  phoneMasked: boolean;
  email: string | null;
  name: string;
  gender: string | null;
  /** `MM-DD` or `YYYY-MM-DD`. */
  birthday: string | null;
  sizes: Record<string, string>;
  styles: string[];
  tags: string[];
  notes: string;
  consents: Consents;
  storeId: string;
  registeredBy: string | null;
  registeredDeviceId: string | null;
  referrerId: string | null;
  /** The member's invitation code (邀请码), for friends to join with. */
  inviteCode: string;
  tier: { code: string; name: string; since: string };
  /** What the cashier should apply and say: the tier's benefits, and whether it is the birthday month. */
  benefits: {
    discountRegularBp: number;
    discountSpecialBp: number;
    pointsMultiplierPct: number;
    birthdayMonth: boolean;
    birthdayDiscountBp: number | null;
  };
  points: number;
  storedValue: number;
  storedPrincipal: number;
  storedBonus: number;
  hasPin: boolean;
  status: MemberStatus;
  mergedInto: string | null;
  createdAt: string;
  updatedAt: string;
}

/** How the admin's member list sorts (`GET /api/members/list`). */
export const MEMBER_SORTS = ['joined', 'lastVisit', 'spend', 'storedValue', 'points'] as const;
export type MemberSort = (typeof MEMBER_SORTS)[number];

/** A member in the admin's list: the view, with what the list sorts and filters by. */
export interface MemberListItem extends MemberView {
  /** Net spend over all history, fen. */
  spend: number;
  visits: number;
  /** When they last bought; null before their first purchase. */
  lastVisitAt: string | null;
}

/** A page of the member list; `next` asks for the page after it (null at the end). */
export interface MemberListPage {
  items: MemberListItem[];
  next: string | null;
  /** How many members the filter matches, over every page. */
  total: number;
}

/** What a bulk tag changed: members given or relieved of the tag, and those left as they were. */
export interface BulkTagResult {
  changed: number;
  unchanged: number;
  /** Members that already had 20 tags: the tag was not added to them. */
  full: number;
}

export interface TopUpResult {
  id: string;
  amount: number;
  bonus: number;
  storedValue: number;
}

/** How a member tops up stored value. */
export type TopUpMethod = 'cash' | 'card' | 'wechat' | 'alipay';

/** One row of a member's points or stored-value ledger (`GET /api/members/:id/ledger`), newest first. */
export interface LedgerItem {
  at: string;
  delta: number;
  balance: number;
  reason: string;
  ref: string | null;
}

/** What a member sees about themselves at the lookup kiosk: never anyone else, never a list. */
export interface SelfView {
  /** Shortened: 王芳 → 王*. */
  name: string;
  number: number;
  /** Masked. */
  phone: string | null;
  tier: MemberView['tier'];
  progress: {
    spend12m: number;
    spendLifetime: number;
    pointsEarned: number;
    visits: number;
    /** How far to the next tier on each of its lines (null: the tier has no such line); null at the top. */
    next: {
      code: string;
      name: string;
      missing: {
        spend12m: number | null;
        spendLifetime: number | null;
        pointsEarned: number | null;
        visits: number | null;
      };
    } | null;
  };
  points: number;
  expiringSoon: { points: number; expiresAt: string }[];
  storedValue: number;
  coupons: { code: string; name: string; kind: string; value: number; minSpend: number; validTo: string }[];
  /** The last five. */
  lastPurchases: { at: string; amount: number; kind: string }[];
  /** The member's invitation code (邀请码): a friend joins with it at `/join?invite=<code>`. */
  inviteCode: string;
  /** What the invitation gives, when the shop runs referrals: the member's side and the friend's. */
  referral: { referrer: ReferralReward; newcomer: ReferralReward } | null;
}

/** `POST /api/self/sign-up` and `/api/join`: the new member's code and what they see about themselves. */
export interface SelfJoined {
  memberCode: string;
  member: SelfView;
}

/** The texts a newcomer agrees to: the membership terms (会员条款) and the privacy policy (隐私政策). */
export const MEMBER_DOCUMENTS = ['terms', 'privacy'] as const;

/** `GET /api/member-documents/:kind`: the version in force; `publishedAt` null and no text before the first. */
export interface MemberDocument {
  kind: (typeof MEMBER_DOCUMENTS)[number];
  text: string;
  publishedAt: string | null;
}

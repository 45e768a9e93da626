import type {
  BulkTagResult,
  LedgerItem as LedgerEntry,
  MemberView as Member,
  MemberDocument,
  MemberListPage,
  MemberSort,
  SelfJoined,
  SelfView,
  TopUpMethod,
  TopUpResult,
} from '../../../server/protocol/members.js';
import { type ApiAuth, call, newRequestId, send } from './http.js';

export type {
  BulkTagResult,
  LedgerItem as LedgerEntry,
  MemberListItem,
  MemberSort,
  SelfJoined,
  SelfView,
  TopUpMethod,
} from '../../../server/protocol/members.js';
export { MEMBER_SORTS } from '../../../server/protocol/members.js';
export type { Member };
/** A member's tier as shown with the member. */
export type Tier = Member['tier'];

export interface NewMember {
  phone: string;
  name: string;
  email?: string;
  birthday?: string;
  gender?: 'female' | 'male' | 'other';
  consentMarketing?: boolean;
  pin?: string;
}

export type MemberFind = { phone: string } | { last4: string } | { code: string } | { q: string };

/** Exactly one of phone, last four digits, member code or name/phone prefix. */
export async function findMembers(auth: ApiAuth, find: MemberFind): Promise<Member[]> {
  return (await call<{ items: Member[] }>(auth, 'GET', '/api/members', { query: { ...find } })).items;
}

/** Picks the search the text looks like: 11 digits a phone, 4 digits the last four, 16 a member code. */
export function findFor(text: string): MemberFind {
  const clean = text.trim().replace(/\s+/g, '');
  if (/^\d{16}$/.test(clean)) return { code: clean };
  if (/^\d{4}$/.test(clean)) return { last4: clean };
  if (/^(\+\d{6,}|1\d{10})$/.test(clean)) return { phone: clean };
  return { q: text.trim() };
}

/** How many active members the shop has: one count, cheap with a million members. */
export async function countMembers(auth: ApiAuth): Promise<number> {
  return (await call<{ active: number }>(auth, 'GET', '/api/members/count')).active;
}

export function getMember(auth: ApiAuth, id: string): Promise<Member> {
  return call<Member>(auth, 'GET', `/api/members/${encodeURIComponent(id)}`);
}

export function registerMember(auth: ApiAuth, member: NewMember): Promise<Member> {
  return call<Member>(auth, 'POST', '/api/members', { body: member });
}

/** What an edit of the profile sends: only the fields that changed; null clears one. */
export interface MemberChanges {
  phone?: string;
  name?: string;
  email?: string | null;
  birthday?: string | null;
  gender?: 'female' | 'male' | 'other' | null;
}

export function updateMember(auth: ApiAuth, id: string, changes: MemberChanges): Promise<Member> {
  return call<Member>(auth, 'PATCH', `/api/members/${encodeURIComponent(id)}`, { body: changes });
}

export async function memberLedger(
  auth: ApiAuth,
  id: string,
  kind: 'points' | 'stored_value',
  limit = 50,
): Promise<LedgerEntry[]> {
  return (
    await call<{ items: LedgerEntry[] }>(auth, 'GET', `/api/members/${encodeURIComponent(id)}/ledger`, {
      query: { kind, limit },
    })
  ).items;
}

/** Adds (or with a negative delta removes) points, with the reason the audit log keeps. */
export function adjustPoints(
  auth: ApiAuth,
  id: string,
  delta: number,
  reason: string,
  requestId = newRequestId(),
): Promise<{ id: string; delta: number; points: number }> {
  return call(auth, 'POST', `/api/members/${encodeURIComponent(id)}/points/adjustments`, {
    body: { id: requestId, delta, reason },
  });
}

export function topUp(
  auth: ApiAuth,
  id: string,
  amount: number,
  method: TopUpMethod,
  requestId = newRequestId(),
): Promise<TopUpResult> {
  return call(auth, 'POST', `/api/members/${encodeURIComponent(id)}/top-ups`, {
    body: { id: requestId, amount, method },
  });
}

/** Moves `sourceId` into `id`: points lots, stored value, history and coupons. */
export function mergeMembers(auth: ApiAuth, id: string, sourceId: string): Promise<unknown> {
  return call(auth, 'POST', `/api/members/${encodeURIComponent(id)}/merge`, { body: { sourceId } });
}

/** Everything held about one member, as JSON text to save. */
export async function privacyExport(auth: ApiAuth, id: string): Promise<string> {
  const response = await send(auth, 'GET', `/api/members/${encodeURIComponent(id)}/privacy-export`);
  return response.text();
}

export function eraseMember(auth: ApiAuth, id: string, reason: string): Promise<Member> {
  return call<Member>(auth, 'POST', `/api/members/${encodeURIComponent(id)}/erase`, { body: { reason } });
}

/** Every active member as a CSV or XLSX file. */
/** Every member, or (with a filter) the members the list shows, as a CSV or Excel file. */
export async function exportMembers(
  auth: ApiAuth,
  format: 'csv' | 'xlsx',
  filter?: MemberFilter,
): Promise<Blob> {
  const query = filter ? { format, filtered: true, ...filter } : { format };
  const response = await send(auth, 'GET', '/api/members/export', { query });
  return response.blob();
}

/** What the member list filters by (`GET /api/members/list`); amounts in fen. */
export interface MemberFilter {
  q?: string;
  tier?: string;
  tag?: string;
  birthdayMonth?: number;
  lastVisitFrom?: string;
  lastVisitTo?: string;
  spendMin?: number;
  spendMax?: number;
  owesStoredValue?: boolean;
  pointsExpiringDays?: number;
}

export interface MemberListQuery extends MemberFilter {
  sort: MemberSort;
  dir: 'asc' | 'desc';
  after?: string;
  limit?: number;
}

/** A page of the store's members, filtered and sorted; `next` asks for the following page. */
export function listMembers(auth: ApiAuth, query: MemberListQuery): Promise<MemberListPage> {
  return call<MemberListPage>(auth, 'GET', '/api/members/list', { query: { ...query } });
}

/** Adds or removes a tag on the members ticked, or on every member the filter picks. */
export function bulkTag(
  auth: ApiAuth,
  body: { action: 'add' | 'remove'; tag: string } & ({ ids: string[] } | { filter: MemberFilter }),
): Promise<BulkTagResult> {
  return call<BulkTagResult>(auth, 'POST', '/api/members/tags', { body });
}

/** The kiosk: a member finds themselves by member code, or phone plus PIN. */
export function selfLookup(
  device: ApiAuth,
  input: { memberCode: string } | { phone: string; pin: string },
): Promise<SelfView> {
  return call<SelfView>(device, 'POST', '/api/self/lookup', { body: input });
}

/** The kiosk: join as a member, with the terms accepted. */
export function selfSignUp(
  device: ApiAuth,
  input: { phone: string; name: string; pin?: string; consentMarketing?: boolean },
): Promise<SelfJoined> {
  return call(device, 'POST', '/api/self/sign-up', { body: { ...input, acceptTerms: true } });
}

/**
 * Where a customer joins as a member from their own phone: the join page of the shop's server,
 * with a screen's ticket after `#` (a phone has no device token; the ticket lets it join).
 */
export function joinUrl(ticket: string): string {
  return `${globalThis.location.origin}/join#${ticket}`;
}

/** A join ticket for the QR code of the customer display or the lookup kiosk (its token); valid two hours. */
export function joinTicket(display: ApiAuth): Promise<{ ticket: string; expiresAt: string }> {
  return call(display, 'POST', '/api/join/tickets');
}

/**
 * Joins as a member from one's own phone (no token), with the ticket the display's QR code
 * carried, a friend's invitation code, or both.
 */
export function joinFromPhone(
  from: { ticket?: string; inviteCode?: string },
  input: { phone: string; name: string; pin?: string; consentMarketing?: boolean },
): Promise<SelfJoined> {
  return call(null, 'POST', '/api/join', { body: { ...input, ...from, acceptTerms: true } });
}

/** The membership terms or the privacy policy in force (no token: the phone's page reads it too). */
export function memberDocument(kind: MemberDocument['kind']): Promise<MemberDocument> {
  return call(null, 'GET', `/api/member-documents/${kind}`);
}

/** Publishes a new version of the terms or the privacy policy (the owner). */
export function publishMemberDocument(
  auth: ApiAuth,
  kind: MemberDocument['kind'],
  text: string,
): Promise<MemberDocument> {
  return call(auth, 'PUT', `/api/member-documents/${kind}`, { body: { text } });
}

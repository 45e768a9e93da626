import type { Insertable } from 'kysely';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { newId } from '../../ids.js';
import type {
  MemberTable,
  PointsLotTable,
  PointsMovementTable,
  StoredValueEntryTable,
  TierChangeTable,
} from '../../storage/schema.js';
import { recordAudit } from '../audit/service.js';
import { expiryFor, storeDate } from '../loyalty/calendar.js';
import type { Actor } from '../loyalty/ledger-ref.js';
import { loadSettings } from '../loyalty/settings.js';
import { entryTier, loadTiers } from '../loyalty/tiers.js';
import { type ImportColumn, type RawFile, readImportFile } from './import-rows.js';
import { drawInviteCodes } from './invite-code.js';
import { lastFour, maskPhone } from './phone.js';
import { birthday as birthdaySchema, bornAfter, memberEmail, phone as phoneSchema } from './schemas.js';
import { newMemberCode, nextMemberNumber } from './service.js';

export interface ImportError {
  line: number;
  column: string;
  reason: string;
}

export interface ImportReport {
  dryRun: boolean;
  rows: number;
  valid: number;
  errorCount: number;
  /** The first 1000 errors, in file order. */
  errors: ImportError[];
  imported: number;
}

interface GoodRow {
  phone: string;
  email: string | null;
  name: string;
  gender: string | null;
  birthday: { year: number | null; month: number; day: number } | null;
  tierId: string | null;
  points: number;
  principal: number;
  bonus: number;
  tags: string[];
  notes: string;
}

const GENDER_WORDS: Record<string, string> = {
  female: 'female',
  male: 'male',
  other: 'other',
  女: 'female',
  男: 'male',
  其他: 'other',
};
const SHOWN_ERRORS = 1000;
/** Rows per multi-row INSERT: well under SQLite's 32,766 bound parameters. */
const CHUNK = 400;

/** Yuan with at most two decimals ("1234.5") → fen, exactly (no floating point). */
function yuanToFen(text: string): number | null {
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

async function validate(ctx: AppContext, file: RawFile) {
  const tiers = await loadTiers(ctx.storage.db);
  const today = storeDate(ctx.now(), ctx.store.timeZone);
  const errors: ImportError[] = [];
  const good: GoodRow[] = [];
  const header = (column: ImportColumn) => file.headers[column] ?? column;
  const firstLine = new Map<string, number>();
  const phoneLines: { phone: string; line: number }[] = [];
  for (const { line, values } of file.rows) {
    const rowErrors: ImportError[] = [];
    const fail = (column: ImportColumn, reason: string) =>
      rowErrors.push({ line, column: header(column), reason });
    const phone = phoneSchema.safeParse(values.phone ?? '');
    if (!phone.success) fail('phone', values.phone ? 'not a valid phone number' : 'missing');
    else if (firstLine.has(phone.data)) fail('phone', `duplicate of line ${firstLine.get(phone.data)}`);
    let email: string | null = null;
    if (values.email !== undefined) {
      const parsed = memberEmail.safeParse(values.email);
      if (parsed.success) email = parsed.data;
      else fail('email', 'not a valid e-mail address');
    }
    const name = values.name ?? '';
    if (name === '') fail('name', 'missing');
    else if ([...name].length > 40) fail('name', 'longer than 40 characters');
    const gender =
      values.gender === undefined ? null : (GENDER_WORDS[values.gender.toLowerCase()] ?? undefined);
    if (gender === undefined) fail('gender', 'not one of female, male, other, 女, 男, 其他');
    let birthday: GoodRow['birthday'] = null;
    if (values.birthday !== undefined) {
      const parsed = birthdaySchema.safeParse(values.birthday.replace(/\//g, '-'));
      if (!parsed.success) fail('birthday', 'not a date (YYYY-MM-DD or MM-DD)');
      else if (bornAfter(parsed.data, today)) fail('birthday', 'in the future');
      else birthday = parsed.data;
    }
    let tierId: string | null = null;
    if (values.tier !== undefined) {
      const tier = tiers.find((t) => t.code === values.tier || t.name === values.tier);
      if (tier) tierId = tier.id;
      else fail('tier', `unknown tier (one of ${tiers.map((t) => t.name).join(', ')})`);
    }
    const points =
      values.points === undefined ? 0 : /^\d{1,9}$/.test(values.points) ? Number(values.points) : null;
    if (points === null) fail('points', 'not a whole number of points');
    const money = (column: 'principal' | 'bonus') => {
      const text = values[column];
      if (text === undefined) return 0;
      const fen = yuanToFen(text);
      if (fen === null) fail(column, 'not an amount in yuan (e.g. 100 or 99.50)');
      return fen ?? 0;
    };
    const principal = money('principal');
    const bonus = money('bonus');
    const tags = (values.tags ?? '')
      .split(/[;；|]/)
      .map((t) => t.trim())
      .filter(Boolean);
    if (tags.length > 20 || tags.some((t) => [...t].length > 20))
      fail('tags', 'at most 20 tags of 20 characters');
    const notes = values.notes ?? '';
    if ([...notes].length > 500) fail('notes', 'longer than 500 characters');
    if (phone.success && !firstLine.has(phone.data)) {
      firstLine.set(phone.data, line);
      phoneLines.push({ phone: phone.data, line });
    }
    if (rowErrors.length > 0 || !phone.success || points === null || gender === undefined) {
      errors.push(...rowErrors);
      continue;
    }
    good.push({
      phone: phone.data,
      email,
      name,
      gender,
      birthday,
      tierId,
      points,
      principal,
      bonus,
      tags,
      notes,
    });
  }
  // Phones already registered, looked up in chunks through the unique index.
  const taken = new Set<string>();
  for (let i = 0; i < phoneLines.length; i += 500) {
    const chunk = phoneLines.slice(i, i + 500).map((p) => p.phone);
    const rows = await ctx.storage.db
      .selectFrom('members')
      .select('phone')
      .where('phone', 'in', chunk)
      .execute();
    for (const row of rows) if (row.phone) taken.add(row.phone);
  }
  if (taken.size > 0) {
    for (const { phone, line } of phoneLines) {
      if (taken.has(phone))
        errors.push({ line, column: header('phone'), reason: `already a member (${maskPhone(phone)})` });
    }
    errors.sort((a, b) => a.line - b.line);
  }
  const valid = good.filter((row) => !taken.has(row.phone));
  const badLines = new Set(errors.map((e) => e.line));
  return { errors, good: valid, validCount: file.rows.filter((r) => !badLines.has(r.line)).length, tiers };
}

/**
 * Imports members from CSV or XLSX with their opening points and stored value (booked as
 * `opening` ledger rows). A dry run reports every bad row (line, column, reason) and writes
 * nothing; a real run with any bad row is refused (422) with the same report; otherwise all
 * rows are written in one transaction.
 */
export async function importMembers(
  ctx: AppContext,
  bytes: Buffer,
  dryRun: boolean,
  actor: Actor,
): Promise<ImportReport> {
  const file = await readImportFile(bytes);
  const { errors, good, validCount, tiers } = await validate(ctx, file);
  const report: ImportReport = {
    dryRun,
    rows: file.rows.length,
    valid: validCount,
    errorCount: errors.length,
    errors: errors.slice(0, SHOWN_ERRORS),
    imported: 0,
  };
  if (dryRun) return report;
  if (errors.length > 0) {
    const fields: Record<string, string> = {};
    for (const error of report.errors) fields[`rows.${error.line}.${error.column}`] ??= error.reason;
    throw new ApiError(
      'business_rule',
      `${errors.length} problems in the file; nothing was imported. Fix them (a dry run lists them) and send it again.`,
      fields,
    );
  }
  const settings = await loadSettings(ctx.storage.db);
  const entry = entryTier(tiers);
  await ctx.storage.write(async (trx) => {
    const at = ctx.now().toISOString();
    const expiresAt = expiryFor(ctx.now(), settings.expiry, ctx.store.timeZone).toISOString();
    const ref = { ref_type: 'import', ref_id: newId() };
    let number = await nextMemberNumber(trx);
    for (let i = 0; i < good.length; i += CHUNK) {
      const members: Insertable<MemberTable>[] = [];
      const tierRows: Insertable<TierChangeTable>[] = [];
      const lots: Insertable<PointsLotTable>[] = [];
      const movements: Insertable<PointsMovementTable>[] = [];
      const entries: Insertable<StoredValueEntryTable>[] = [];
      const chunk = good.slice(i, i + CHUNK);
      const inviteCodes = await drawInviteCodes(trx, chunk.length);
      for (const [k, row] of chunk.entries()) {
        const id = newId();
        const tierId = row.tierId ?? entry.id;
        members.push({
          id,
          store_id: ctx.store.id,
          number: number++,
          code: newMemberCode(),
          phone: row.phone,
          phone_last4: lastFour(row.phone),
          email: row.email,
          name: row.name,
          gender: row.gender,
          birth_year: row.birthday?.year ?? null,
          birth_month: row.birthday?.month ?? null,
          birth_day: row.birthday?.day ?? null,
          sizes: '{}',
          styles: '[]',
          tags: JSON.stringify(row.tags),
          notes: row.notes,
          consents: '{}',
          registered_by: actor.staffId,
          registered_device_id: null,
          referrer_id: null,
          invite_code: inviteCodes[k] ?? null,
          tier_id: tierId,
          tier_since: at,
          tier_below_since: null,
          pin_hash: null,
          pin_locked_until: null,
          points: row.points,
          stored_principal: row.principal,
          stored_bonus: row.bonus,
          status: 'active',
          merged_into: null,
          created_at: at,
          updated_at: at,
        });
        tierRows.push({
          id: newId(),
          store_id: ctx.store.id,
          member_id: id,
          at,
          from_tier_id: null,
          to_tier_id: tierId,
          reason: 'import',
          detail: '{}',
          ...ref,
          staff_id: actor.staffId,
        });
        if (row.points > 0) {
          const lotId = newId();
          lots.push({
            id: lotId,
            store_id: ctx.store.id,
            member_id: id,
            source: 'opening',
            points: row.points,
            remaining: row.points,
            earned_at: at,
            expires_at: expiresAt,
            ...ref,
          });
          movements.push({
            id: newId(),
            store_id: ctx.store.id,
            member_id: id,
            lot_id: lotId,
            at,
            delta: row.points,
            balance: row.points,
            reason: 'opening',
            ...ref,
            staff_id: actor.staffId,
            approver_id: null,
            note: null,
          });
        }
        if (row.principal + row.bonus > 0) {
          entries.push({
            id: newId(),
            store_id: ctx.store.id,
            member_id: id,
            at,
            kind: 'opening',
            principal_delta: row.principal,
            bonus_delta: row.bonus,
            principal_balance: row.principal,
            bonus_balance: row.bonus,
            method: null,
            ...ref,
            staff_id: actor.staffId,
            approver_id: null,
            note: null,
          });
        }
      }
      await trx.insertInto('members').values(members).execute();
      await trx.insertInto('tier_changes').values(tierRows).execute();
      if (lots.length > 0) {
        await trx.insertInto('points_lots').values(lots).execute();
        await trx.insertInto('points_movements').values(movements).execute();
      }
      if (entries.length > 0) await trx.insertInto('stored_value_entries').values(entries).execute();
    }
    await recordAudit(trx, ctx, {
      kind: 'member.imported',
      staffId: actor.staffId,
      subjectType: 'import',
      subjectId: ref.ref_id,
      detail: {
        members: good.length,
        points: good.reduce((sum, row) => sum + row.points, 0),
        principal: good.reduce((sum, row) => sum + row.principal, 0),
        bonus: good.reduce((sum, row) => sum + row.bonus, 0),
      },
    });
  });
  report.imported = good.length;
  return report;
}

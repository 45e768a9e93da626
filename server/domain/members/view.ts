import type { Consents, MemberStatus, MemberView } from '../../protocol/members.js';
import type { MemberRow, TierRow } from '../../storage/schema.js';
import { isBirthdayMonth } from '../loyalty/calendar.js';
import { maskPhone } from './phone.js';

/** How a member is shown; `unmasked` only for roles that may see full phones (or with approval). */
export interface ViewOptions {
  unmasked: boolean;
  now: Date;
  timeZone: string;
}

export function birthdayText(
  row: Pick<MemberRow, 'birth_year' | 'birth_month' | 'birth_day'>,
): string | null {
  if (row.birth_month === null || row.birth_day === null) return null;
  const md = `${String(row.birth_month).padStart(2, '0')}-${String(row.birth_day).padStart(2, '0')}`;
  return row.birth_year === null ? md : `${row.birth_year}-${md}`;
}

/** "wangfang@example.com" → "w*******@example.com": enough to recognise, not to write to. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '*'.repeat(email.length);
  return email[0] + '*'.repeat(Math.max(1, at - 1)) + email.slice(at);
}

export function memberView(row: MemberRow, tier: TierRow, options: ViewOptions): MemberView {
  const birthdayMonth =
    row.status === 'active' && isBirthdayMonth(options.now, row.birth_month, options.timeZone);
  return {
    id: row.id,
    number: row.number,
    code: row.code,
    phone: row.phone === null ? null : options.unmasked ? row.phone : maskPhone(row.phone),
    phoneMasked: row.phone !== null && !options.unmasked,
    email: row.email === null ? null : options.unmasked ? row.email : maskEmail(row.email),
    name: row.name,
    gender: row.gender,
    birthday: birthdayText(row),
    sizes: JSON.parse(row.sizes) as Record<string, string>,
    styles: JSON.parse(row.styles) as string[],
    tags: JSON.parse(row.tags) as string[],
    notes: row.notes,
    consents: JSON.parse(row.consents) as Consents,
    storeId: row.store_id,
    registeredBy: row.registered_by,
    registeredDeviceId: row.registered_device_id,
    referrerId: row.referrer_id,
    inviteCode: row.invite_code ?? '',
    tier: { code: tier.code, name: tier.name, since: row.tier_since },
    benefits: {
      discountRegularBp: tier.discount_regular_bp,
      discountSpecialBp: tier.discount_special_bp,
      pointsMultiplierPct: tier.points_multiplier_pct,
      birthdayMonth,
      birthdayDiscountBp: birthdayMonth ? tier.birthday_discount_bp : null,
    },
    points: row.points,
    storedValue: row.stored_principal + row.stored_bonus,
    storedPrincipal: row.stored_principal,
    storedBonus: row.stored_bonus,
    hasPin: row.pin_hash !== null,
    status: row.status as MemberStatus,
    mergedInto: row.merged_into,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

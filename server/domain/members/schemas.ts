import { z } from 'zod';
import { inviteCode } from './invite-code.js';
import { normalizePhone } from './phone.js';

export const phone = z
  .string()
  .max(30, 'at most 30 characters')
  .transform((value, check) => {
    const normalized = normalizePhone(value);
    if (!normalized) {
      check.addIssue({
        code: 'custom',
        message: 'not a valid phone number (a mainland mobile, or + and the country code)',
      });
      return z.NEVER;
    }
    return normalized;
  });

/** `YYYY-MM-DD`, or `MM-DD` when the year is not given; the date must exist (no 02-30). */
export const birthday = z
  .string()
  .regex(/^(\d{4}-)?\d{2}-\d{2}$/, 'YYYY-MM-DD or MM-DD')
  .transform((value, check) => {
    const parts = value.split('-').map(Number);
    const year = parts.length === 3 ? (parts[0] ?? null) : null;
    const month = parts.at(-2) ?? 0;
    const day = parts.at(-1) ?? 0;
    // Without a year, 29 February is allowed: a leap year is assumed.
    const valid =
      month >= 1 &&
      month <= 12 &&
      day >= 1 &&
      day <= new Date(Date.UTC(year ?? 2000, month, 0)).getUTCDate() &&
      (year === null || (year >= 1900 && year <= 2100));
    if (!valid) {
      check.addIssue({ code: 'custom', message: 'no such date' });
      return z.NEVER;
    }
    return { year, month, day };
  });
export type Birthday = z.output<typeof birthday>;

/** A birthday with its year after `today` (`YYYY-MM-DD`, the store's date) is a typo, not a member. */
export function bornAfter(value: Birthday, today: string): boolean {
  if (value.year === null) return false;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${value.year}-${pad(value.month)}-${pad(value.day)}` > today;
}

export const GENDERS = ['female', 'male', 'other'] as const;

const shortText = (max: number) => z.string().trim().min(1, 'required').max(max, `at most ${max} characters`);

export const memberName = shortText(40);
export const sizes = z.strictObject({
  top: z.string().trim().max(10).optional(),
  bottom: z.string().trim().max(10).optional(),
  shoes: z.string().trim().max(10).optional(),
});
const tagList = z.array(shortText(20)).max(20, 'at most 20');
/** `true`/`false` for every channel, or per channel. */
export const consentInput = z.union([
  z.boolean(),
  z.strictObject({
    sms: z.boolean().optional(),
    wechat: z.boolean().optional(),
    email: z.boolean().optional(),
  }),
]);
export type ConsentInput = z.output<typeof consentInput>;
export const memberPin = z.string().regex(/^\d{4,6}$/, '4–6 digits');
export const memberEmail = z.email('not a valid e-mail address').max(254, 'at most 254 characters');

export const newMemberBody = z.strictObject({
  phone,
  email: memberEmail.optional(),
  name: memberName,
  birthday: birthday.optional(),
  gender: z.enum(GENDERS).optional(),
  sizes: sizes.optional(),
  styles: tagList.optional(),
  tags: tagList.optional(),
  notes: z.string().max(500, 'at most 500 characters').optional(),
  referrerId: z.string().min(1).max(64).optional(),
  /** The invitation code of the member who invited this newcomer (instead of `referrerId`). */
  inviteCode: inviteCode.optional(),
  consentMarketing: consentInput.optional(),
  pin: memberPin.optional(),
});
export type NewMember = z.output<typeof newMemberBody>;

export const memberChangesBody = z
  .strictObject({
    phone: phone.optional(),
    email: memberEmail.nullable().optional(),
    name: memberName.optional(),
    birthday: birthday.nullable().optional(),
    gender: z.enum(GENDERS).nullable().optional(),
    sizes: sizes.optional(),
    styles: tagList.optional(),
    tags: tagList.optional(),
    notes: z.string().max(500, 'at most 500 characters').optional(),
    referrerId: z.string().min(1).max(64).nullable().optional(),
    consentMarketing: consentInput.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'nothing to change');
export type MemberChanges = z.output<typeof memberChangesBody>;

export const memberParams = z.object({ id: z.string().min(1).max(64) });

export const findQuery = z
  .strictObject({
    phone: phone.optional(),
    last4: z
      .string()
      .regex(/^\d{4}$/, '4 digits')
      .optional(),
    code: z
      .string()
      .regex(/^\d{16}$/, '16 digits')
      .optional(),
    q: z.string().trim().min(1).max(40).optional(),
    limit: z.coerce.number().int().min(1).max(50).default(20),
  })
  .refine(
    (query) =>
      ['phone', 'last4', 'code', 'q'].filter((k) => k in query && query[k as 'q'] !== undefined).length === 1,
    {
      message: 'give exactly one of phone, last4, code, q',
      path: ['q'],
    },
  );

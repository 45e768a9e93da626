import { parsePhoneNumberFromString } from 'libphonenumber-js';

const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

/**
 * A phone number as stored: a mainland mobile as its 11 digits (`13800138000`, also from
 * `+86 138 0013 8000`), any other country in E.164 (`+447700900123`). Null when it is not a
 * valid number.
 */
export function normalizePhone(input: string): string | null {
  const compact = input.replace(/[\s-]/g, '');
  if (MAINLAND_MOBILE.test(compact)) return compact;
  if (!compact.startsWith('+') || compact.length > 20) return null;
  const parsed = parsePhoneNumberFromString(compact);
  if (!parsed?.isValid()) return null;
  if (parsed.countryCallingCode === '86') {
    return MAINLAND_MOBILE.test(parsed.nationalNumber) ? parsed.nationalNumber : null;
  }
  return parsed.number;
}

/** The last four digits, for the counter's quick search. */
export function lastFour(phone: string): string {
  return phone.slice(-4);
}

/** 13800138000 → 138****8000; +447700900123 → +447*****0123. */
export function maskPhone(phone: string): string {
  if (phone.length <= 7) return phone.replace(/\d(?=\d{2})/g, '*');
  const head = phone.startsWith('+') ? 4 : 3;
  return phone.slice(0, head) + '*'.repeat(phone.length - head - 4) + phone.slice(-4);
}

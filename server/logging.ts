import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * A phone number as people type it: an optional `+` (or `%2B`), then digits in groups split by
 * spaces, dashes, dots, brackets or their URL escapes (`%20`, `+` for a space in a query). A digit
 * right after `%` or `%X` belongs to an escape, not to a number.
 */
const PHONE_LIKE = /(?:\+|%2[bB])?(?<![\d%]|%[0-9a-fA-F])\d(?:(?:[ .()+-]|%20|%2[bB]|%28|%29){0,3}\d)+/g;
const ESCAPE = /%(20|2[bB]|28|29)/g;
const UNESCAPED: Record<string, string> = { '20': ' ', '2b': '+', '28': '(', '29': ')' };
const MAINLAND_MOBILE = /^(?:0{0,2}86)?(1[3-9]\d)\d{4}(\d{4})$/;
/** A member's card code (16 digits) wherever it appears, and the value of code-like query keys. */
const MEMBER_CODE = /(?<!\d)\d{12}(\d{4})(?!\d)/g;
const CODE_PARAM = /([?&](?:code|memberCode)=)([^&#]*?)([^&#]{0,4})(?=[&#]|$)/g;

/** One typed phone-like run, masked; anything that is not a phone (a date, an id) comes back as it was. */
function maskPhone(typed: string): string {
  const plain = typed.replace(ESCAPE, (_all, code: string) => UNESCAPED[code.toLowerCase()] ?? ' ');
  const international = /^\+/.test(plain);
  const digits = plain.replace(/\D/g, '');
  const mobile = MAINLAND_MOBILE.exec(digits);
  // After a `+` only +86 is China: +1 415 555 0100 has a mobile's shape too.
  if (mobile && (!international || digits.startsWith('86'))) {
    const country = digits.length > 11 ? '86 ' : '';
    return `${international ? '+' : ''}${country}${mobile[1]}****${mobile[2]}`;
  }
  if (!international || digits.length < 7) return typed;
  // The country code as typed (`+1 415…`), else at most its three first digits.
  const firstGroup = /^\+\s*(\d+)/.exec(plain)?.[1] ?? '';
  const country = firstGroup.length <= 3 ? firstGroup : digits.slice(0, 3);
  return `+${country}****${digits.slice(-4)}`;
}

/**
 * Masks phone numbers and member codes wherever they appear, however they were typed: mainland
 * mobiles (138 1234-5678 → 138****5678, +86… → +86 138****5678), international numbers
 * (+852 9123 4567 → +852****4567) and member codes (****3456), also as query values.
 */
export function maskPhones(text: string): string {
  return text
    .replace(PHONE_LIKE, maskPhone)
    .replace(MEMBER_CODE, '****$1')
    .replace(CODE_PARAM, (_all, key: string, head: string, tail: string) =>
      head === '' && tail.length < 4 ? `${key}${tail}` : `${key}****${tail}`,
    );
}

/**
 * The server's logger. Secrets never reach it: request logs carry method, path (phones
 * masked) and status only, never headers or bodies.
 */
export function createLogger(
  destination?: DestinationStream,
  level = process.env.LOG_LEVEL ?? 'info',
): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: ['password', 'pin', 'token', '*.password', '*.pin', '*.token'], censor: '[redacted]' },
    },
    destination,
  );
}

export type { Logger };

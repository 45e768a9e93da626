import pino, { type DestinationStream, type Logger } from 'pino';

const MAINLAND_MOBILE = /(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)/g;
/** `+` and a country code, raw or URL-encoded (%2B), with optional spaces or dashes. */
const INTERNATIONAL = /(\+|%2[bB])(\d{1,3})(?:[\d -]|%20){3,}?(\d{4})(?!\d)/g;
/** A member's card code (16 digits) wherever it appears, and the value of code-like query keys. */
const MEMBER_CODE = /(?<!\d)\d{12}(\d{4})(?!\d)/g;
const CODE_PARAM = /([?&](?:code|memberCode)=)([^&#]*?)([^&#]{0,4})(?=[&#]|$)/g;

/**
 * Masks phone numbers and member codes wherever they appear: mainland mobiles
 * (13800138000 → 138****8000), international numbers (+85291234567 → +852****4567) and
 * member codes (****3456), also as query values.
 */
export function maskPhones(text: string): string {
  return text
    .replace(MAINLAND_MOBILE, '$1****$2')
    .replace(INTERNATIONAL, '$1$2****$3')
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

import pino, { type DestinationStream, type Logger } from 'pino';

const MAINLAND_MOBILE = /(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)/g;

/** Masks mainland mobile numbers (13800138000 → 138****8000) wherever they appear. */
export function maskPhones(text: string): string {
  return text.replace(MAINLAND_MOBILE, '$1****$2');
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

import type { Quote } from './quote.js';

/** Every error the server can answer with, over HTTP and over WebSocket alike. */
export const ERROR_STATUS = {
  validation_failed: 400,
  payload_too_large: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  account_locked: 423,
  business_rule: 422,
  too_many_requests: 429,
  internal: 500,
  /** A device did not do what it was asked (the drawer did not open, its bridge did not answer). */
  device_unavailable: 502,
  /** The database cannot be written (disk full, read-only): nothing was saved. */
  storage_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** Field path (dotted) → what is wrong with it. */
  fields?: Record<string, string>;
  /** What the caller needs to recover, where there is something: the same over HTTP and WS. */
  details?: ErrorDetails;
}

export interface ErrorDetails {
  /** The cart priced again when its total changed mid-sale (`conflict`): show it and resend. */
  quote?: Quote;
}

/** The body of every HTTP error response. */
export interface ErrorResponse {
  error: ErrorBody;
}

import type { ZodError } from 'zod';
import { ERROR_STATUS, type ErrorBody, type ErrorCode, type ErrorDetails } from './protocol/errors.js';
import { duplicateKey, storageFaultMessage } from './storage/faults.js';

/** An error meant for the caller: it becomes the `{error}` body with the fitting status. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
    /** Extra headers for the response, such as Retry-After. */
    readonly headers?: Record<string, string>,
    /** What the caller needs to recover (a new quote…), sent over HTTP and WS alike. */
    readonly details?: ErrorDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { code: this.code, message: this.message };
    if (this.fields) body.fields = this.fields;
    if (this.details) body.details = this.details;
    return body;
  }
}

/** Turns a zod failure into a 400 naming each bad field (`prefix` says where: body, query…). */
export function validationError(error: ZodError, prefix?: string): ApiError {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const base = [prefix, ...issue.path.map(String)].filter((part) => part !== undefined && part !== '');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[[...base, key].join('.')] ??= 'unknown field';
      continue;
    }
    fields[base.join('.') || 'body'] ??= issue.message;
  }
  const names = Object.keys(fields);
  return new ApiError(
    'validation_failed',
    `Invalid ${names.join(', ')}: ${Object.values(fields)[0]}`,
    fields,
  );
}

export const notFound = (what: string, id: string): ApiError =>
  new ApiError('not_found', `No ${what} with id ${JSON.stringify(id)}.`);

/** 409 for an action's id (a sale's, a return's, a payment's) already used with another body. */
export function reusedId(what: string): ApiError {
  return new ApiError('conflict', `This ${what} id was already used for a different request.`, {
    id: 'already used with another body',
  });
}

/**
 * The actions whose id the terminal chooses, by table. The id is the chain's: a second store
 * (or a till that reuses ids) meets another store's row by its key, not by its own lookup.
 */
const ACTION_TABLES: Record<string, string> = { sales: 'sale', returns: 'return', payments: 'payment' };

/** 409 for sale line ids another sale took: `fields` names each (`lines.N.lineId`, or `lines`). */
export const lineIdsTaken = (fields: Record<string, string>): ApiError =>
  new ApiError('conflict', 'A line id was already used on another sale.', fields);

/**
 * A sale line id taken by another sale, refused with the fields the sale's own check gives
 * (`lines.N.lineId`, found in the request by the key PostgreSQL names; `lines` when it is not
 * named). The check runs first; the key refuses what it could not see: the same line id sold at
 * two stores at the same instant, each check made before the other's insert was committed.
 */
function lineIdTaken(key: string | null, request: unknown): ApiError {
  const lines =
    typeof request === 'object' && request !== null ? (request as { lines?: unknown }).lines : null;
  const fields: Record<string, string> = {};
  if (key !== null && Array.isArray(lines)) {
    for (const [i, line] of lines.entries())
      if ((line as { lineId?: unknown } | null)?.lineId === key) fields[`lines.${i}.lineId`] = 'already sold';
  }
  if (Object.keys(fields).length === 0) fields.lines = 'already sold';
  return lineIdsTaken(fields);
}

/**
 * Any thrown value as the error the caller is told: an ApiError as it is, a line id another
 * sale took meanwhile or an action's id another store used as 409, a storage fault as a 503 the owner can act on, anything else as a
 * 500 (the only kind worth logging as a fault). `request`: the body or parameters it answers,
 * to name the field.
 */
export function toApiError(error: unknown, request?: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const duplicate = duplicateKey(error);
  if (duplicate?.table === 'sale_lines') return lineIdTaken(duplicate.key, request);
  const action = duplicate && ACTION_TABLES[duplicate.table];
  if (action && duplicate.columns.join() === 'id') return reusedId(action);
  const storage = storageFaultMessage(error);
  if (storage !== null) {
    return new ApiError('storage_unavailable', storage, undefined, { 'Retry-After': '30' });
  }
  return new ApiError('internal', 'Something went wrong on the server; nothing was changed.');
}

/** The `{code, message, fields?, details?}` both adapters send for a thrown value. */
export function toErrorBody(error: unknown): ErrorBody {
  return toApiError(error).toBody();
}

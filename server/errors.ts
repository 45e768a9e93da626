import type { ZodError } from 'zod';
import { ERROR_STATUS, type ErrorBody, type ErrorCode, type ErrorDetails } from './protocol/errors.js';
import { storageFaultMessage } from './storage/faults.js';

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

/**
 * Any thrown value as the error the caller is told: an ApiError as it is, a storage fault as a
 * 503 the owner can act on, anything else as a 500 (the only kind worth logging as a fault).
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
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

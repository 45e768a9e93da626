import type { ZodError } from 'zod';
import { ERROR_STATUS, type ErrorBody, type ErrorCode } from '../protocol/errors.js';

/** An error meant for the caller: it becomes the `{error}` body with the fitting status. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
    /** Extra headers for the response, such as Retry-After. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toBody(): ErrorBody {
    return this.fields
      ? { code: this.code, message: this.message, fields: this.fields }
      : { code: this.code, message: this.message };
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

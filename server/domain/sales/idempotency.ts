import { createHash } from 'node:crypto';
import { canonicalJson } from '../../canonical-json.js';
import { ApiError } from '../../errors.js';

/** The request's fingerprint; secrets such as a member PIN are left out by the caller. */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

export function reusedId(what: string): ApiError {
  return new ApiError('conflict', `This ${what} id was already used for a different request.`, {
    id: 'already used with another body',
  });
}

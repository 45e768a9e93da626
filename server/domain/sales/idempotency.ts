import { createHash } from 'node:crypto';
import { ApiError } from '../../errors.js';

/** A JSON text with keys sorted, so the same body always hashes the same. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>)
            .filter(([, inner]) => inner !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

/** The request's fingerprint; secrets such as a member PIN are left out by the caller. */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonical(body)).digest('hex');
}

export function reusedId(what: string): ApiError {
  return new ApiError('conflict', `This ${what} id was already used for a different request.`, {
    id: 'already used with another body',
  });
}

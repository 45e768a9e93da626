import { createHash } from 'node:crypto';
import { canonicalJson } from '../../canonical-json.js';

/** The request's fingerprint; secrets such as a member PIN are left out by the caller. */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

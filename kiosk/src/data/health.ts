import type { Health } from '../../../server/protocol/health.js';

export type { Health } from '../../../server/protocol/health.js';

/** The health check failed: no answer, an error status, or a body that is not a health report. */
export class HealthError extends Error {
  override name = 'HealthError';
}

function isHealth(body: unknown): body is Health {
  if (typeof body !== 'object' || body === null) return false;
  const { status, version } = body as Record<string, unknown>;
  return status === 'ok' && typeof version === 'string' && version.length > 0;
}

/** Asks the server whether it is up; resolves with its version or rejects with a HealthError. */
export async function fetchHealth(signal?: AbortSignal): Promise<Health> {
  let response: Response;
  try {
    response = await fetch('/api/health', { headers: { accept: 'application/json' }, signal });
  } catch (error) {
    throw new HealthError('The server did not answer.', { cause: error });
  }
  if (!response.ok) throw new HealthError(`The server answered ${response.status}.`);
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    throw new HealthError('The server answered with something that is not JSON.', { cause: error });
  }
  if (!isHealth(body))
    throw new HealthError('The server answered with something that is not a health report.');
  return body;
}

import { v7 as uuidv7 } from 'uuid';
import type { ErrorResponse } from '../../../server/protocol/errors.js';
import { RequestError } from '../connection/errors.js';

/** Who the screen calls the API as: a staff session or device token, and what to do when it is refused. */
export interface ApiAuth {
  token: string | null;
  /** Called when the server answers 401: the token is gone (signed out, revoked, expired). */
  onUnauthorized?: () => void;
}

export interface CallOptions {
  body?: unknown;
  /** Sent as it is (a CSV or XLSX file) with `contentType`, instead of JSON. */
  raw?: Blob | string;
  contentType?: string;
  query?: Record<string, string | number | boolean | undefined | null>;
  signal?: AbortSignal;
  /** A colleague's PIN approving what the signed-in staff member may not do alone. */
  approval?: { username: string; pin: string };
}

/** `path?a=1&b=2`, leaving out empty values. */
export function withQuery(path: string, query: CallOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

function isErrorResponse(body: unknown): body is ErrorResponse {
  const error = (body as ErrorResponse | null)?.error;
  return typeof error === 'object' && error !== null && typeof error.code === 'string';
}

/** The headers a call carries. */
function headersFor(auth: ApiAuth | null, options: CallOptions): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (auth?.token) headers.authorization = `Bearer ${auth.token}`;
  if (options.raw !== undefined) headers['content-type'] = options.contentType ?? 'application/octet-stream';
  else if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.approval) {
    headers['hanger-approval-user'] = options.approval.username;
    headers['hanger-approval-pin'] = options.approval.pin;
  }
  return headers;
}

/** Sends a request and returns the raw response, or rejects with the API's error as a RequestError. */
export async function send(
  auth: ApiAuth | null,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method,
      headers: headersFor(auth, options),
      body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new RequestError('network', 'The server did not answer.');
  }
  if (response.ok) return response;
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON: the status says enough.
  }
  if (response.status === 401) auth?.onUnauthorized?.();
  if (isErrorResponse(body)) throw RequestError.fromBody(body.error, response.status);
  throw new RequestError(
    response.status === 401 ? 'unauthorized' : 'internal',
    `The server answered ${response.status}.`,
    {},
    response.status,
  );
}

/** Calls the JSON API and returns its answer (undefined for 204). */
export async function call<T>(
  auth: ApiAuth | null,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<T> {
  const response = await send(auth, method, path, options);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/**
 * An id for an idempotent command (a sale, a return, a top-up, an adjustment): made once, before
 * the first attempt. Time-ordered (UUIDv7, from `getRandomValues`: the shop's screens run over
 * plain http on the LAN, not a secure context): the server files a sale, its lines, payments and
 * ledger entries under its id, and ids made one after the other land together at the end of those
 * indexes, where random ones would each take a page of their own from all over a big shop's file.
 */
export function newRequestId(): string {
  return uuidv7();
}

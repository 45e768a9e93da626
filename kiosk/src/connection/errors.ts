import type { ErrorBody, ErrorCode, ErrorDetails } from '../../../server/protocol/errors.js';
import type { MessageKey, MessageOptions, Said } from '../i18n/index.js';

/**
 * What the server (or the way to it) said no with, in the API's own shape
 * `{code, message, fields, details}`. HTTP and WebSocket calls both reject with it.
 */
export class RequestError extends Error {
  override name = 'RequestError';
  /** The API's error code, or `network`/`timeout`/`disconnected` when the server was not reached. */
  readonly code: ErrorCode | 'network' | 'timeout' | 'disconnected';
  /** Field path → what is wrong with it, e.g. `{"body.phone": "not a valid phone number"}`. */
  readonly fields: Record<string, string>;
  /** The HTTP status, when there was one. */
  readonly status: number | null;
  /** What the server gave to recover with, e.g. the cart priced now when its total changed. */
  readonly details: ErrorDetails;

  constructor(
    code: RequestError['code'],
    message: string,
    fields: Record<string, string> = {},
    status: number | null = null,
    details: ErrorDetails = {},
  ) {
    super(message);
    this.code = code;
    this.fields = fields;
    this.status = status;
    this.details = details;
  }

  static fromBody(body: ErrorBody, status: number | null = null): RequestError {
    return new RequestError(body.code, body.message, body.fields ?? {}, status, body.details ?? {});
  }

  /** The problem with `field`, looked up by its last part too (`body.phone` or `phone`). */
  field(name: string): string | undefined {
    if (this.fields[name] !== undefined) return this.fields[name];
    const key = Object.keys(this.fields).find((k) => k === `body.${name}` || k.endsWith(`.${name}`));
    return key === undefined ? undefined : this.fields[key];
  }
}

/**
 * What the screen itself found wrong with what was typed (or looked up), before asking the
 * server: kept as a catalogue key, said in the screen's language when shown.
 */
export class InputError extends RequestError {
  override name = 'InputError';
  readonly said: Said;

  constructor(key: MessageKey, options?: MessageOptions, code: RequestError['code'] = 'validation_failed') {
    super(code, key);
    this.said = { key, ...(options && { options }) };
  }
}

/** Whether an error means the token is no good any more (sign in or pair again). */
export function isUnauthorized(error: unknown): boolean {
  return error instanceof RequestError && error.code === 'unauthorized';
}

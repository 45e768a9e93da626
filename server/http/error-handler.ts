import type { ErrorRequestHandler } from 'express';
import { ApiError, toApiError } from '../errors.js';
import type { Logger } from '../logging.js';
import { ExportAbandoned } from './download.js';

export const BODY_LIMIT = '256kb';

interface BodyParserError {
  type?: string;
  status?: number;
}

/** Maps every error to API.md's `{error}` shape; only a real fault is a 500, and it is logged. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (error instanceof ExportAbandoned) {
      // Its client went away or stopped reading: nobody to answer, nothing wrong on the server.
      log.info({ reason: error.message }, 'export abandoned');
      res.destroy();
      return;
    }
    if (res.headersSent) {
      // An answer already under way has no room for an error body: the client sees it cut short.
      log.error({ err: error }, 'request failed after its answer began');
      res.destroy();
      return;
    }
    const apiError = bodyParserError(error) ?? toApiError(error, req.body);
    if (apiError.status >= 500) log.error({ err: error }, 'request failed');
    if (apiError.headers) res.set(apiError.headers);
    res.status(apiError.status).json({ error: apiError.toBody() });
  };
}

/** express.json()'s own failures: the body could not be read, so it is the caller's fault. */
function bodyParserError(error: unknown): ApiError | null {
  if (error instanceof ApiError) return null;
  const { type, status } = (error ?? {}) as BodyParserError;
  if (type === 'entity.parse.failed') {
    return new ApiError('validation_failed', 'The body is not valid JSON.', { body: 'not valid JSON' });
  }
  if (type === 'entity.too.large') {
    return new ApiError('payload_too_large', `The body is larger than ${BODY_LIMIT}.`, {
      body: `larger than ${BODY_LIMIT}`,
    });
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new ApiError('validation_failed', 'The body must be UTF-8 JSON.', {
      body: 'unsupported encoding',
    });
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ApiError('validation_failed', 'The request could not be read.', { body: 'unreadable' });
  }
  return null;
}

import type { Request } from 'express';
import { ApiError } from '../../../errors.js';

/**
 * Reads a raw upload from the request body, refusing it with a 400 as soon as it passes
 * `limit` bytes (the rest is drained, not stored). A JSON body was read already by the /api
 * JSON parser: that is not a spreadsheet.
 */
export function readUpload(req: Request, limit: number): Promise<Buffer> {
  if (req.body !== undefined) {
    return Promise.reject(
      new ApiError('validation_failed', 'Send the CSV or XLSX file itself as the body, not JSON.', {
        'Content-Type': 'text/csv or XLSX expected',
      }),
    );
  }
  const declared = Number(req.get('content-length'));
  const tooLarge = () =>
    new ApiError('payload_too_large', `The file is larger than ${limit / 1024 / 1024} MB.`, {
      body: `larger than ${limit / 1024 / 1024} MB`,
    });
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', (error) =>
      reject(
        new ApiError('validation_failed', `The upload broke off: ${error.message}`, { body: 'incomplete' }),
      ),
    );
  });
}

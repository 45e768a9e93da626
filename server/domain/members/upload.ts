import type { Request } from 'express';
import { ApiError } from '../../errors.js';

/** The largest import file accepted: ample for 100,000 members in CSV or XLSX. */
export const UPLOAD_LIMIT = 32 * 1024 * 1024;

/**
 * Reads a file sent as the raw request body (CSV or XLSX, any content type but JSON) on this
 * route only; the JSON parser's 256 KB limit does not apply. A body over the limit is drained
 * and refused with a 400, so the client reads a clean answer instead of a reset.
 */
export function readUpload(req: Request, limit = UPLOAD_LIMIT): Promise<Buffer> {
  if (req.body !== undefined || req.readableEnded) {
    return Promise.reject(
      new ApiError(
        'validation_failed',
        'Send the file itself as the body (text/csv or the XLSX file), not JSON.',
        {
          body: 'not a CSV or XLSX file',
        },
      ),
    );
  }
  const tooLarge = () =>
    new ApiError('payload_too_large', `The file is larger than ${limit / 1024 / 1024} MB.`, {
      body: `larger than ${limit / 1024 / 1024} MB`,
    });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = Number(req.get('content-length') ?? 0) > limit;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      if (!over) chunks.push(chunk);
    });
    req.on('end', () => (over ? reject(tooLarge()) : resolve(Buffer.concat(chunks))));
    req.on('error', () =>
      reject(new ApiError('validation_failed', 'The upload was interrupted.', { body: 'incomplete' })),
    );
  });
}

/** CSV text from bytes: UTF-8 (with or without BOM), or GB18030 as Excel in China saves it. */
export function decodeText(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

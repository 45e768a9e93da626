import type { Writable } from 'node:stream';

/**
 * How long a download waits for its client to take more before it ends. A full export's
 * snapshot keeps the database's log from starting over meanwhile, so the log grows with every
 * sale; a member export keeps a request and its pages in memory.
 */
export const EXPORT_STALL_MS = 120_000;

/** The download's client went away, or took nothing for `EXPORT_STALL_MS`: the export ends there. */
export class ExportAbandoned extends Error {
  override name = 'ExportAbandoned';
}

const gone = () => new ExportAbandoned('The client went away during the export.');

/**
 * Waits until the client has taken what `out` holds (if it holds more than its high-water
 * mark) — but not for a client that has gone, nor longer than `stallMs` for one that takes
 * nothing (then `out` is destroyed).
 */
export async function roomFor(out: Writable, stallMs = EXPORT_STALL_MS): Promise<void> {
  if (out.destroyed) throw gone();
  if (!out.writableNeedDrain) return;
  await new Promise<void>((resolve, reject) => {
    const end = (error?: ExportAbandoned) => {
      clearTimeout(stalled);
      out.off('drain', drained);
      out.off('close', closed);
      if (error) reject(error);
      else resolve();
    };
    const drained = () => end();
    const closed = () => end(gone());
    const stalled = setTimeout(() => {
      end(new ExportAbandoned(`The client took nothing for ${stallMs / 1000} s.`));
      out.destroy();
    }, stallMs);
    out.on('drain', drained);
    out.on('close', closed);
  });
}

/** Writes `text`, then waits while the client's side is full (`roomFor`). */
export async function writeOut(out: Writable, text: string, stallMs = EXPORT_STALL_MS): Promise<void> {
  if (out.destroyed) throw gone();
  out.write(text);
  await roomFor(out, stallMs);
}

import { write } from 'node:fs';

/**
 * The log's way to standard output, written off the main thread. Pino's own stdout stream
 * flushes synchronously when the process exits and retries for ever once nobody reads (a
 * console closed, `| head` done): the server then never exits, whatever signal it gets. Here a
 * line that cannot be written is dropped instead: the shop keeps selling and stopping stays
 * bounded. A reader that stops reading costs at most `limit` characters of memory.
 */
export class LogPipe {
  private queue: string[] = [];
  private queued = 0;
  private writing = false;
  private gone = false;
  private waiting: (() => void)[] = [];

  constructor(
    private readonly fd = 1,
    private readonly limit = 4_000_000,
  ) {}

  /** Pino's destination interface: one line at a time. */
  write(line: string): void {
    if (this.gone || this.queued + line.length > this.limit) return;
    this.queue.push(line);
    this.queued += line.length;
    if (!this.writing) this.next();
  }

  /** Resolves once what was logged so far is written (or dropped), or after `ms` at the latest. */
  flushed(ms: number): Promise<void> {
    if (!this.writing) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiting.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private next(): void {
    const bytes = Buffer.from(this.queue.join(''));
    this.queue = [];
    this.queued = 0;
    if (bytes.length === 0 || this.gone) {
      this.writing = false;
      for (const done of this.waiting.splice(0)) done();
      return;
    }
    this.writing = true;
    const send = (offset: number) =>
      write(this.fd, bytes, offset, bytes.length - offset, null, (error, written) => {
        if (error?.code === 'EAGAIN') {
          setTimeout(() => send(offset), 50).unref();
          return;
        }
        // EPIPE and the like: the reader is gone for good.
        if (error) this.gone = true;
        if (!error && offset + written < bytes.length) send(offset + written);
        else this.next();
      });
    send(0);
  }
}

import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';

/** `drop`: answers the status queries before a job, then closes the connection (0 bytes printed). */
export type PaperState = 'ok' | 'paper_out' | 'cover_open' | 'silent' | 'drop';

/**
 * A network receipt printer on a random port: answers DLE EOT 2/4 (a label printer's <ESC>!?)
 * according to `state` — before a job and after it — acts on the real-time drawer pulse
 * (DLE DC4 1 m t) whatever its state, and keeps what each connection sent apart from those (one
 * entry per print).
 */
export class FakePrinter {
  state: PaperState = 'ok';
  /** Bytes each printing connection delivered, in order. */
  readonly prints: Buffer[] = [];
  /** Drawer pulses received, by pin (2 or 5). */
  readonly kicks: Array<2 | 5> = [];
  private readonly server: Server;
  protected readonly sockets = new Set<Socket>();
  private waiters: Array<() => void> = [];
  port = 0;

  constructor() {
    // Through a closure, so a subclass's serve() answers.
    this.server = createServer((socket) => this.serve(socket));
  }

  async start(port = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Waits until `count` prints arrived (fails after `timeoutMs`). */
  async waitForPrints(count: number, timeoutMs = 15_000): Promise<Buffer[]> {
    await this.until(
      () => this.prints.length >= count,
      timeoutMs,
      () => `expected ${count} prints, got ${this.prints.length}`,
    );
    return this.prints;
  }

  /** Waits until `count` drawer pulses arrived (fails after `timeoutMs`). */
  async waitForKicks(count: number, timeoutMs = 15_000): Promise<Array<2 | 5>> {
    await this.until(
      () => this.kicks.length >= count,
      timeoutMs,
      () => `expected ${count} drawer pulses, got ${this.kicks.length}`,
    );
    return this.kicks;
  }

  private async until(done: () => boolean, timeoutMs: number, failure: () => string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(failure());
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  protected serve(socket: Socket): void {
    this.sockets.add(socket);
    let pending = Buffer.alloc(0);
    const received: Buffer[] = [];
    const answer = (n: number | undefined) => {
      if (this.state === 'silent') return;
      let byte = 0x12;
      if (n === 2 && this.state === 'cover_open') byte |= 0x04;
      if (n === 2 && this.state === 'paper_out') byte |= 0x20;
      if (n === 4 && this.state === 'paper_out') byte |= 0x60;
      socket.write(Buffer.from([byte]));
      if (n === 4 && this.state === 'drop') socket.destroy();
    };
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      // Real-time commands at the head of what arrived: status queries and drawer pulses.
      for (;;) {
        if (pending.length >= 3 && pending[0] === 0x10 && pending[1] === 0x04) {
          answer(pending[2]);
          pending = pending.subarray(3);
        } else if (pending.length >= 3 && pending[0] === 0x1b && pending[1] === 0x21 && pending[2] === 0x3f) {
          // A TSPL label printer's status query, <ESC>!?: one byte, 0x04 out of paper, 0x40 cover open.
          pending = pending.subarray(3);
          const byte = this.state === 'paper_out' ? 0x04 : this.state === 'cover_open' ? 0x40 : 0x00;
          if (this.state !== 'silent') socket.write(Buffer.from([byte]));
        } else if (pending.length >= 5 && pending[0] === 0x10 && pending[1] === 0x14 && pending[2] === 1) {
          this.kicks.push(pending[3] === 0 ? 2 : 5);
          pending = pending.subarray(5);
          this.wakeWaiters();
        } else break;
      }
      if (pending.length === 0 || (pending[0] === 0x10 && pending.length < 5)) return;
      if (pending[0] === 0x1b && pending.length < 3) return;
      // A status query after the job arrives last, once the job's bytes are out.
      const tail = pending.subarray(-3);
      if (tail[0] === 0x10 && tail[1] === 0x04) {
        received.push(pending.subarray(0, -3));
        pending = Buffer.alloc(0);
        answer(tail[2]);
        return;
      }
      received.push(pending);
      pending = Buffer.alloc(0);
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.sockets.delete(socket);
      const bytes = Buffer.concat(received);
      if (bytes.length > 0) {
        this.prints.push(bytes);
        this.wakeWaiters();
      }
    });
  }

  protected wakeWaiters(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}

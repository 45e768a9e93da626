import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';

export type PaperState = 'ok' | 'paper_out' | 'cover_open' | 'silent';

/**
 * A network receipt printer on a random port: answers DLE EOT 2/4 (a label printer's <ESC>!?) according to `state` and
 * keeps what each connection sent after its status requests (one entry per print).
 */
export class FakePrinter {
  state: PaperState = 'ok';
  /** Bytes each printing connection delivered, in order. */
  readonly prints: Buffer[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private waiters: Array<() => void> = [];
  port = 0;

  constructor() {
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
    const deadline = Date.now() + timeoutMs;
    while (this.prints.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} prints, got ${this.prints.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.prints;
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    let inStatus = true;
    let pending = Buffer.alloc(0);
    const received: Buffer[] = [];
    socket.on('data', (chunk) => {
      if (!inStatus) {
        received.push(chunk);
        return;
      }
      pending = Buffer.concat([pending, chunk]);
      // A TSPL label printer's status query, <ESC>!?: one byte, 0x04 out of paper, 0x40 cover open.
      while (pending.length >= 3 && pending[0] === 0x1b && pending[1] === 0x21 && pending[2] === 0x3f) {
        pending = pending.subarray(3);
        if (this.state === 'silent') continue;
        socket.write(Buffer.from([{ ok: 0x00, paper_out: 0x04, cover_open: 0x40 }[this.state]]));
      }
      while (pending.length >= 3 && pending[0] === 0x10 && pending[1] === 0x04) {
        const n = pending[2];
        pending = pending.subarray(3);
        if (this.state === 'silent') continue;
        let answer = 0x12;
        if (n === 2 && this.state === 'cover_open') answer |= 0x04;
        if (n === 2 && this.state === 'paper_out') answer |= 0x20;
        if (n === 4 && this.state === 'paper_out') answer |= 0x60;
        socket.write(Buffer.from([answer]));
      }
      const partialQuery = (pending[0] === 0x10 || pending[0] === 0x1b) && pending.length < 3;
      if (pending.length > 0 && !partialQuery) {
        inStatus = false;
        received.push(pending);
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.sockets.delete(socket);
      const bytes = Buffer.concat(received);
      if (bytes.length > 0) {
        this.prints.push(bytes);
        for (const wake of this.waiters.splice(0)) wake();
      }
    });
  }
}

import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

/**
 * A TCP relay between a store server and PostgreSQL that can stall as a store's VPN link does
 * (or break outright, `cut`):
 * once armed, the first `commit` the store sends is held, and nothing passes either way after it
 * — the connection stays open, so neither side hears that anything is wrong.
 */
export class StallingLink {
  private server: Server | null = null;
  private sockets: Socket[] = [];
  private armed = false;
  private cutOff = false;
  stalled = false;
  port = 0;

  constructor(private readonly target: number) {}

  async start(): Promise<void> {
    const server = createServer((store) => {
      if (this.cutOff) {
        store.destroy();
        return;
      }
      const database = tcpConnect(this.target, '127.0.0.1');
      this.sockets.push(store, database);
      const fail = () => {
        store.destroy();
        database.destroy();
      };
      store.on('error', fail);
      database.on('error', fail);
      store.on('data', (chunk: Buffer) => {
        if (this.armed && chunk.includes('commit')) {
          this.armed = false;
          this.stalled = true;
        }
        if (!this.stalled) database.write(chunk);
      });
      database.on('data', (chunk: Buffer) => {
        if (!this.stalled) store.write(chunk);
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
  }

  /** Stalls at the next commit. */
  arm(): void {
    this.armed = true;
  }

  /** Breaks the line as a dead one does: open connections are reset and new ones closed at once, until `mend`. */
  cut(): void {
    this.cutOff = true;
    for (const socket of this.sockets) socket.destroy();
    this.sockets = [];
  }

  mend(): void {
    this.cutOff = false;
  }

  stop(): void {
    for (const socket of this.sockets) socket.destroy();
    this.server?.close();
  }
}

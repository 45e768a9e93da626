import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

/**
 * A TCP relay between a store server and PostgreSQL that can stall as a store's VPN link does
 * (or break outright, `cut`):
 * once armed, the first `commit` of a transaction that sent the armed text (a sale's insert, say)
 * is held, and nothing passes either way after it — the connection stays open, so neither side
 * hears that anything is wrong. The store's other transactions (its local copy's refresh, a
 * payment's follow-up) pass, so the stall holds what the armed work locked.
 */
export class StallingLink {
  private server: Server | null = null;
  private sockets: Socket[] = [];
  private armed: string | null = null;
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
      // Whether this connection's open transaction sent the armed text.
      let sentArmed = false;
      const fail = () => {
        store.destroy();
        database.destroy();
      };
      store.on('error', fail);
      database.on('error', fail);
      store.on('data', (chunk: Buffer) => {
        const named = this.namedTexts(chunk);
        const armed = this.armed;
        if (armed !== null && (chunk.includes(armed) || named.some((text) => text.includes(armed))))
          sentArmed = true;
        if (chunk.includes('commit') || chunk.includes('rollback')) {
          if (sentArmed && this.armed !== null && chunk.includes('commit')) {
            this.armed = null;
            this.stalled = true;
          }
          sentArmed = false;
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

  /** Stalls at the next commit of a transaction that sent `text` (e.g. `insert into "sales"`). */
  arm(text: string): void {
    this.armed = text;
  }

  /**
   * Each prepared statement's text by its name (the store server names them `hanger_N`,
   * `server/storage/database.ts`): a session sends a kept statement's text once (Parse: name,
   * NUL, text) and after that only its name (Bind: portal, NUL, name, NUL), so a transaction
   * "sends" the armed text when it runs a statement of that name.
   */
  private readonly texts = new Map<string, string>();

  /** The texts of the named statements `chunk` prepares or runs (learning those it prepares). */
  private namedTexts(chunk: Buffer): string[] {
    const texts: string[] = [];
    for (const [, name, text] of chunk.toString('latin1').matchAll(/(hanger_\d+)\0([^\0]*)/g)) {
      if (text) this.texts.set(name as string, text);
      const known = this.texts.get(name as string);
      if (known) texts.push(known);
    }
    return texts;
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

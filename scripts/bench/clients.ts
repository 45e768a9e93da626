import { Agent, request } from 'node:http';
import { WebSocket } from 'ws';

export interface HttpClient {
  /** One GET over the kept-alive connection; resolves with the body once it has fully arrived. */
  get(): Promise<string>;
  /** How many requests had to open a new connection (1 when keep-alive works). */
  readonly freshConnections: number;
  close(): void;
}

/** A client for one URL that sends one request at a time over a single kept-alive socket. */
export function httpClient(url: string, headers: Record<string, string> = {}): HttpClient {
  const { hostname, port, pathname } = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const options = { agent, hostname, port, path: pathname, headers };
  let fresh = 0;
  return {
    get: () =>
      new Promise<string>((resolve, reject) => {
        const req = request(options, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            body += chunk;
          });
          res.on('end', () => {
            if (res.statusCode === 200) resolve(body);
            else reject(new Error(`GET ${url}: ${res.statusCode} ${body}`));
          });
          res.on('error', reject);
        });
        if (!req.reusedSocket) fresh++;
        req.on('error', reject);
        req.end();
      }),
    get freshConnections() {
      return fresh;
    },
    close: () => agent.destroy(),
  };
}

/** A WebSocket client that reads JSON messages in order; one request in flight at a time. */
export class JsonSocket {
  private readonly inbox: unknown[] = [];
  private waiting: { resolve(message: unknown): void; reject(error: Error): void } | null = null;
  private closed: Error | null = null;

  private constructor(private readonly socket: WebSocket) {
    // Listening before `open`: a server may greet in the same packet as the upgrade.
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as unknown;
      const waiting = this.waiting;
      this.waiting = null;
      if (waiting) waiting.resolve(message);
      else this.inbox.push(message);
    });
    socket.on('close', (code, reason) => {
      this.closed = new Error(`WebSocket closed: ${code} ${reason.toString()}`);
      this.waiting?.reject(this.closed);
      this.waiting = null;
    });
  }

  static open(url: string): Promise<JsonSocket> {
    const socket = new WebSocket(url);
    const client = new JsonSocket(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  next(): Promise<unknown> {
    if (this.inbox.length > 0) return Promise.resolve(this.inbox.shift());
    if (this.closed) return Promise.reject(this.closed);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}

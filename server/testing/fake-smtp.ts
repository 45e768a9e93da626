import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { ensureCertificate } from '../http/tls.js';

/** A message the fake mail server accepted, decoded. */
export interface ReceivedMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  /** Whether it came over TLS, and who signed in. */
  tls: boolean;
  user: string | null;
  raw: string;
}

function decodeHeader(value: string): string {
  return value.replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (_all, b64: string) =>
    Buffer.from(b64, 'base64').toString('utf8'),
  );
}

/**
 * A small SMTP server for tests, speaking enough of RFC 5321 for the channel adapter:
 * EHLO, STARTTLS (with a self-signed certificate made by `server/http/tls.ts`), AUTH PLAIN
 * and LOGIN, MAIL, RCPT, DATA, QUIT. `refuse` answers 550 to a recipient for good,
 * `flaky` 451 once.
 */
export class FakeSmtpServer {
  readonly received: ReceivedMail[] = [];
  readonly refuse = new Set<string>();
  readonly flaky = new Set<string>();
  /** The self-signed certificate (PEM) the client must trust. */
  cert = '';
  port = 0;
  private key = '';
  private server: Server | null = null;
  private dir = '';
  private readonly sockets = new Set<Socket>();

  constructor(private readonly account: { user: string; password: string }) {}

  async start(): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), 'hanger-smtp-'));
    const { cert, key } = ensureCertificate(this.dir);
    this.cert = cert;
    this.key = key;
    this.server = createServer((socket) => this.session(socket));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private session(plain: Socket): void {
    let socket: Socket = plain;
    this.sockets.add(plain);
    plain.on('close', () => this.sockets.delete(plain));
    plain.on('error', () => undefined);
    let tls = false;
    let user: string | null = null;
    let from = '';
    let to = '';
    let data: string[] | null = null;
    let login: 'user' | 'password' | null = null;
    let loginUser = '';
    let buffer = '';
    const say = (line: string) => socket.write(`${line}\r\n`);
    const check = (name: string, password: string) => {
      if (name === this.account.user && password === this.account.password) {
        user = name;
        say('235 2.7.0 accepted');
      } else say('535 5.7.8 bad credentials');
    };
    const onLine = (line: string) => {
      if (data) {
        if (line === '.') {
          const raw = data.join('\r\n');
          data = null;
          const [head = '', body = ''] = raw.split('\r\n\r\n');
          const subject = /^Subject: (.*)$/m.exec(head)?.[1] ?? '';
          this.received.push({
            from,
            to,
            subject: decodeHeader(subject),
            text: Buffer.from(body.replace(/\r\n/g, ''), 'base64').toString('utf8'),
            tls,
            user,
            raw,
          });
          say('250 2.0.0 queued');
        } else data.push(line.startsWith('..') ? line.slice(1) : line);
        return;
      }
      if (login === 'user') {
        loginUser = Buffer.from(line, 'base64').toString();
        login = 'password';
        say(`334 ${Buffer.from('Password:').toString('base64')}`);
        return;
      }
      if (login === 'password') {
        login = null;
        check(loginUser, Buffer.from(line, 'base64').toString());
        return;
      }
      const [verb = '', ...rest] = line.split(' ');
      const arg = rest.join(' ');
      switch (verb.toUpperCase()) {
        case 'EHLO':
          say('250-fake.example');
          if (!tls) say('250-STARTTLS');
          else say('250-AUTH PLAIN LOGIN');
          say('250 8BITMIME');
          return;
        case 'STARTTLS':
          say('220 2.0.0 ready');
          socket.removeListener('data', onData);
          socket = new TLSSocket(plain, { isServer: true, cert: this.cert, key: this.key });
          socket.on('data', onData);
          socket.on('error', () => undefined);
          tls = true;
          return;
        case 'AUTH': {
          const [mechanism, initial] = arg.split(' ');
          if (!tls) return say('538 5.7.11 encryption required');
          if (mechanism?.toUpperCase() === 'PLAIN' && initial) {
            const [, name = '', password = ''] = Buffer.from(initial, 'base64').toString().split('\0');
            return check(name, password);
          }
          if (mechanism?.toUpperCase() === 'LOGIN') {
            login = 'user';
            return say(`334 ${Buffer.from('Username:').toString('base64')}`);
          }
          return say('504 5.5.4 unknown mechanism');
        }
        case 'MAIL':
          if (!user) return say('530 5.7.0 authentication required');
          from = /<([^>]*)>/.exec(arg)?.[1] ?? '';
          return say('250 2.1.0 ok');
        case 'RCPT': {
          to = /<([^>]*)>/.exec(arg)?.[1] ?? '';
          if (this.refuse.has(to)) return say('550 5.1.1 no such mailbox');
          if (this.flaky.delete(to)) return say('451 4.3.0 try again later');
          return say('250 2.1.5 ok');
        }
        case 'DATA':
          data = [];
          return say('354 end with .');
        case 'QUIT':
          say('221 2.0.0 bye');
          socket.end();
          return;
        default:
          return say('502 5.5.2 not implemented');
      }
    };
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        onLine(line);
      }
    };
    plain.on('data', onData);
    say('220 fake.example ESMTP');
  }
}

import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
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

/** RFC 2047 words (`=?UTF-8?B?…?=` or `?Q?`) back to text. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=/gi, (_all, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuoted(data.replace(/_/g, ' ')),
    );
}

function decodeQuoted(text: string): string {
  const bytes = text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_all, hex: string) => `%${hex}`)
    .replace(/%(?![0-9A-F]{2})/gi, '%25');
  return decodeURIComponent(bytes);
}

/** Headers (unfolded) and the body of a single-part text message, decoded. */
function parse(raw: string): { headers: Map<string, string>; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  const body = raw.slice(split + 4).replace(/\r\n$/, '');
  const encoding = headers.get('content-transfer-encoding')?.toLowerCase();
  const text =
    encoding === 'base64'
      ? Buffer.from(body, 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? decodeQuoted(body)
        : body;
  // Line ends as the sender wrote them (SMTP carries CRLF).
  return { headers, text: text.replace(/\r\n/g, '\n') };
}

/**
 * A mail server for tests, built on `smtp-server` (nodemailer's own project): STARTTLS with a
 * self-signed certificate made by `server/http/tls.ts`, sign-in required (PLAIN or LOGIN).
 * `refuse` answers 550 to a recipient for good, `flaky` 451 once.
 */
export class FakeSmtpServer {
  readonly received: ReceivedMail[] = [];
  readonly refuse = new Set<string>();
  readonly flaky = new Set<string>();
  /** The self-signed certificate (PEM) the client must trust. */
  cert = '';
  port = 0;
  private server: SMTPServer | null = null;
  private dir = '';

  constructor(private readonly account: { user: string; password: string }) {}

  async start(): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), 'hanger-smtp-'));
    const { cert, key } = ensureCertificate(this.dir);
    this.cert = cert;
    const server = new SMTPServer({
      key,
      cert,
      authMethods: ['PLAIN', 'LOGIN'],
      authOptional: false,
      logger: false,
      onAuth: (auth, session, callback) => {
        if (!session.secure) return callback(new Error('encryption required'));
        if (auth.username === this.account.user && auth.password === this.account.password) {
          return callback(null, { user: auth.username });
        }
        return callback(Object.assign(new Error('authentication failed'), { responseCode: 535 }));
      },
      onRcptTo: (address, _session, callback) => {
        if (this.refuse.has(address.address)) {
          return callback(Object.assign(new Error('no such mailbox'), { responseCode: 550 }));
        }
        if (this.flaky.delete(address.address)) {
          return callback(Object.assign(new Error('try again later'), { responseCode: 451 }));
        }
        return callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const { headers, text } = parse(raw);
          this.received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address).join(', '),
            subject: decodeWords(headers.get('subject') ?? ''),
            text,
            tls: session.secure,
            user: typeof session.user === 'string' ? session.user : null,
            raw,
          });
          callback();
        });
      },
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

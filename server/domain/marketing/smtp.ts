import { randomUUID } from 'node:crypto';
import { connect as connectTcp, type Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { connect as connectTls, type TLSSocket } from 'node:tls';
import type { SmtpSettings } from '../../protocol/campaigns.js';

/**
 * A small SMTP client (RFC 5321) for the e-mail channel: EHLO, STARTTLS or implicit TLS,
 * AUTH PLAIN/LOGIN (only over TLS), MAIL, RCPT, DATA, QUIT. One plain-text UTF-8 message per
 * connection, body in base64 so no line ever needs dot-stuffing. Certificates are checked.
 */

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface SmtpOptions {
  /** Extra trusted certificates (tests use a self-signed one); the system's are trusted anyway. */
  ca?: string | Buffer | undefined;
  timeoutMs?: number | undefined;
  /** The name this client gives in EHLO. */
  clientName?: string | undefined;
}

export class SmtpError extends Error {
  override name = 'SmtpError';
}

interface Reply {
  code: number;
  lines: string[];
}

/** Reads SMTP replies (multi-line `250-…`, ending `250 …`) from whichever socket is current. */
class Conversation {
  private buffer = '';
  private readonly replies: Reply[] = [];
  private partial: string[] = [];
  private waiting: { resolve: (reply: Reply) => void; reject: (error: Error) => void } | null = null;
  private failure: Error | null = null;
  socket: Socket | TLSSocket;

  constructor(socket: Socket | TLSSocket) {
    this.socket = socket;
    this.attach(socket);
  }

  attach(socket: Socket | TLSSocket): void {
    this.socket = socket;
    const decoder = new StringDecoder('utf8');
    socket.on('data', (chunk: Buffer) => this.take(decoder.write(chunk)));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new SmtpError('the mail server closed the connection')));
  }

  /** Stops reading from the current socket (before it is wrapped in TLS). */
  detach(): void {
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('error');
    this.socket.removeAllListeners('close');
  }

  fail(error: Error): void {
    this.failure ??= error;
    this.waiting?.reject(this.failure);
    this.waiting = null;
  }

  private take(chunk: string): void {
    this.buffer += chunk;
    for (let end = this.buffer.indexOf('\r\n'); end >= 0; end = this.buffer.indexOf('\r\n')) {
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const match = /^(\d{3})([ -])(.*)$/.exec(line);
      if (!match) {
        this.fail(new SmtpError(`unreadable reply from the mail server: ${line.slice(0, 80)}`));
        return;
      }
      this.partial.push(match[3] ?? '');
      if (match[2] === ' ') {
        this.replies.push({ code: Number(match[1]), lines: this.partial });
        this.partial = [];
      }
    }
    if (this.buffer.length > 64 * 1024) this.fail(new SmtpError('reply line too long'));
    this.deliverReply();
  }

  private deliverReply(): void {
    if (!this.waiting) return;
    const reply = this.replies.shift();
    if (!reply) return;
    this.waiting.resolve(reply);
    this.waiting = null;
  }

  read(): Promise<Reply> {
    return new Promise((resolve, reject) => {
      if (this.failure && this.replies.length === 0) {
        reject(this.failure);
        return;
      }
      this.waiting = { resolve, reject };
      this.deliverReply();
    });
  }

  /** Sends a command and expects one of the codes; the error names what was refused. */
  async command(line: string | null, expect: readonly number[], what: string): Promise<Reply> {
    if (line !== null) this.socket.write(`${line}\r\n`);
    const reply = await this.read();
    if (!expect.includes(reply.code)) {
      throw new SmtpError(
        `${what}: the mail server answered ${reply.code} ${reply.lines.join(' ').slice(0, 200)}`,
      );
    }
    return reply;
  }
}

const hasCrLf = /[\r\n]/;

/** A header value in UTF-8 base64 (RFC 2047) when it is not plain ASCII. */
function headerText(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value).toString('base64')}?=`;
}

/** The message as sent after DATA (CRLF line ends, base64 body in 76-character lines). */
export function formatMessage(settings: SmtpSettings, message: MailMessage, at: Date): string {
  const body = Buffer.from(message.text.replace(/\r?\n/g, '\r\n')).toString('base64');
  const lines = body.match(/.{1,76}/g) ?? [];
  const domain = settings.from.split('@')[1] ?? 'localhost';
  const from = settings.fromName
    ? `${headerText(settings.fromName.replace(/["\\]/g, ''))} <${settings.from}>`
    : settings.from;
  return [
    `From: ${from}`,
    `To: ${message.to}`,
    `Subject: ${headerText(message.subject)}`,
    `Date: ${at.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${randomUUID()}@${domain}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    ...lines,
  ].join('\r\n');
}

function open(settings: SmtpSettings, options: SmtpOptions): Socket | TLSSocket {
  if (settings.security === 'tls') {
    return connectTls({
      host: settings.host,
      port: settings.port,
      servername: settings.host,
      ca: options.ca,
    });
  }
  return connectTcp({ host: settings.host, port: settings.port });
}

/** Sends one message; resolves when the server accepted it, rejects with an SmtpError saying why not. */
export async function sendMail(
  settings: SmtpSettings,
  password: string | null,
  message: MailMessage,
  options: SmtpOptions = {},
  at: Date = new Date(),
): Promise<void> {
  for (const [field, value] of [
    ['to', message.to],
    ['from', settings.from],
    ['username', settings.username ?? ''],
  ] as const) {
    if (hasCrLf.test(value)) throw new SmtpError(`${field} must be one line`);
  }
  if (settings.username && settings.security === 'none') {
    throw new SmtpError('a password is sent only over TLS: choose starttls or tls');
  }
  const talk = new Conversation(open(settings, options));
  const timer = setTimeout(
    () => talk.fail(new SmtpError('the mail server did not answer in time')),
    options.timeoutMs ?? 15_000,
  );
  try {
    await talk.command(null, [220], 'greeting');
    const name = options.clientName ?? 'hanger.local';
    let hello = await talk.command(`EHLO ${name}`, [250], 'EHLO');
    if (settings.security === 'starttls') {
      if (!hello.lines.some((line) => /^STARTTLS\b/i.test(line))) {
        throw new SmtpError('the mail server does not offer STARTTLS');
      }
      await talk.command('STARTTLS', [220], 'STARTTLS');
      talk.detach();
      const plain = talk.socket;
      const secure = connectTls({ socket: plain, servername: settings.host, ca: options.ca });
      talk.attach(secure);
      await new Promise<void>((resolve, reject) => {
        secure.once('secureConnect', resolve);
        secure.once('error', reject);
      });
      hello = await talk.command(`EHLO ${name}`, [250], 'EHLO');
    }
    if (settings.username) {
      const auth = hello.lines.find((line) => /^AUTH\b/i.test(line))?.toUpperCase() ?? '';
      if (/\bPLAIN\b/.test(auth)) {
        const token = Buffer.from(`\0${settings.username}\0${password ?? ''}`).toString('base64');
        await talk.command(`AUTH PLAIN ${token}`, [235], 'sign-in');
      } else if (/\bLOGIN\b/.test(auth)) {
        await talk.command('AUTH LOGIN', [334], 'sign-in');
        await talk.command(Buffer.from(settings.username).toString('base64'), [334], 'sign-in');
        await talk.command(Buffer.from(password ?? '').toString('base64'), [235], 'sign-in');
      } else {
        throw new SmtpError('the mail server offers no sign-in Hanger knows (PLAIN, LOGIN)');
      }
    }
    await talk.command(`MAIL FROM:<${settings.from}>`, [250], 'sender');
    await talk.command(`RCPT TO:<${message.to}>`, [250, 251], 'recipient');
    await talk.command('DATA', [354], 'DATA');
    const data = formatMessage(settings, message, at)
      .split('\r\n')
      .map((line) => (line.startsWith('.') ? `.${line}` : line))
      .join('\r\n');
    await talk.command(`${data}\r\n.`, [250], 'message');
    await talk.command('QUIT', [221], 'QUIT').catch(() => undefined);
  } finally {
    clearTimeout(timer);
    talk.detach();
    talk.socket.on('error', () => undefined);
    talk.socket.destroy();
  }
}

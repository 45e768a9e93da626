import { createTransport } from 'nodemailer';
import type { SmtpSettings } from '../../protocol/campaigns.js';

/**
 * The e-mail channel's sender: nodemailer speaks SMTP (STARTTLS or TLS from the start, AUTH,
 * encodings) so Hanger keeps no mail client of its own. One message per call; certificates
 * are checked, and a password is only ever sent over TLS.
 */

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface MailOptions {
  /** A certificate (PEM) to trust besides the system's, for a mail server on the LAN with its own. */
  ca?: string | undefined;
  timeoutMs?: number | undefined;
}

export class MailError extends Error {
  override name = 'MailError';
}

/** Sends one message; resolves when the mail server accepted it, rejects saying why not. */
export async function sendMail(
  settings: SmtpSettings,
  password: string | null,
  message: MailMessage,
  options: MailOptions = {},
): Promise<void> {
  if (/[\r\n]/.test(message.to)) throw new MailError('to must be one line');
  if (settings.username && settings.security === 'none') {
    throw new MailError('a password is sent only over TLS: choose starttls or tls');
  }
  const timeout = options.timeoutMs ?? 15_000;
  const transport = createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.security === 'tls',
    // STARTTLS chosen: refuse to go on in clear text when the server does not offer it.
    requireTLS: settings.security === 'starttls',
    ignoreTLS: settings.security === 'none',
    ...(settings.username && { auth: { user: settings.username, pass: password ?? '' } }),
    tls: { servername: settings.host, ...(options.ca && { ca: options.ca }) },
    name: 'hanger.local',
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  try {
    await transport.sendMail({
      from: settings.fromName
        ? { name: settings.fromName.replace(/["\\\r\n]/g, ''), address: settings.from }
        : settings.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  } catch (error) {
    throw new MailError(error instanceof Error ? error.message : 'the mail server refused the message');
  } finally {
    transport.close();
  }
}

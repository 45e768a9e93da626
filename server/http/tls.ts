/**
 * Optional HTTPS for the shop's LAN (`https.enabled` in config.json): a self-signed
 * certificate for this machine's host name and LAN addresses, made on the first start into
 * `<data>/tls/` (the key readable by the owner of the file only) and reused afterwards.
 * No package: the X.509 certificate is written in DER by hand and signed with node:crypto
 * (ECDSA P-256 with SHA-256).
 */
import { createSign, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';

/** DER: tag, length, content. */
function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const n = body.length;
  const length =
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}
const sequence = (...c: Buffer[]) => der(0x30, ...c);
const set = (...c: Buffer[]) => der(0x31, ...c);

function oid(dotted: string): Buffer {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [a * 40 + b];
  for (const part of rest) {
    const chunk = [part & 0x7f];
    for (let v = part >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}

function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14); // YYYYMMDDHHMMSS
  return date.getUTCFullYear() < 2050
    ? der(0x17, Buffer.from(`${iso.slice(2)}Z`)) // UTCTime
    : der(0x18, Buffer.from(`${iso}Z`)); // GeneralizedTime
}

/** An IP address as the 4 or 16 bytes of a subjectAltName iPAddress. */
function ipBytes(address: string): Buffer | null {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(address)) return Buffer.from(address.split('.').map(Number));
  const plain = address.split('%')[0] ?? '';
  if (!plain.includes(':')) return null;
  const [head = '', tail = ''] = plain.split('::');
  const words = (s: string) => (s ? s.split(':').map((w) => Number.parseInt(w, 16)) : []);
  const front = words(head);
  const back = plain.includes('::') ? words(tail) : [];
  const all = [...front, ...Array(8 - front.length - back.length).fill(0), ...back];
  if (all.length !== 8 || all.some((w) => Number.isNaN(w))) return null;
  const out = Buffer.alloc(16);
  for (const [i, w] of all.entries()) out.writeUInt16BE(w, i * 2);
  return out;
}

/** This machine's names and addresses: host name, localhost, every interface's address. */
export function machineNames(): { dns: string[]; ips: string[] } {
  const dns = [...new Set([hostname(), 'localhost'].filter(Boolean))];
  const ips = new Set(['127.0.0.1', '::1']);
  for (const list of Object.values(networkInterfaces())) {
    for (const entry of list ?? []) if (!entry.address.startsWith('fe80')) ips.add(entry.address);
  }
  return { dns, ips: [...ips] };
}

/** A self-signed certificate (PEM) and its private key (PEM) for these names, valid 10 years. */
export function selfSignedCertificate(names: { dns: string[]; ips: string[] }, now = new Date()) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const ecdsaSha256 = sequence(oid('1.2.840.10045.4.3.2'));
  const name = sequence(
    set(sequence(oid('2.5.4.3'), der(0x0c, Buffer.from(names.dns[0] ?? 'localhost')))),
    set(sequence(oid('2.5.4.10'), der(0x0c, Buffer.from('Hanger')))),
  );
  const serial = randomBytes(16);
  // Positive (top bit clear) and never a leading zero byte, which DER forbids as padding.
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40;
  const altNames = sequence(
    ...names.dns.map((d) => der(0x82, Buffer.from(d))),
    ...names.ips.flatMap((ip) => {
      const bytes = ipBytes(ip);
      return bytes ? [der(0x87, bytes)] : [];
    }),
  );
  const notAfter = new Date(now.getTime() + 10 * 365 * 24 * 3600 * 1000);
  const tbs = sequence(
    der(0xa0, der(0x02, Buffer.from([2]))), // v3
    der(0x02, serial),
    ecdsaSha256,
    name,
    sequence(time(new Date(now.getTime() - 3600_000)), time(notAfter)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    der(
      0xa3,
      sequence(
        sequence(oid('2.5.29.17'), der(0x04, altNames)), // subjectAltName
        sequence(oid('2.5.29.37'), der(0x04, sequence(oid('1.3.6.1.5.5.7.3.1')))), // serverAuth
      ),
    ),
  );
  const signature = createSign('SHA256').update(tbs).sign(privateKey);
  const certificate = sequence(tbs, ecdsaSha256, der(0x03, Buffer.from([0]), signature));
  const lines = certificate.toString('base64').match(/.{1,64}/g) ?? [];
  const cert = `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
  const key = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  // Refuse to go on with a certificate Node itself cannot read or whose signature is wrong.
  const x509 = new X509Certificate(cert);
  if (!x509.verify(publicKey)) throw new Error('the generated certificate does not verify');
  return { cert, key };
}

/**
 * The certificate and key in `<dataDir>/tls/`, made on the first call; the key file is 0600.
 * A certificate that no longer names this machine's host name is kept (delete the folder to
 * make a new one).
 */
export function ensureCertificate(dataDir: string): { cert: string; key: string; created: boolean } {
  const folder = join(dataDir, 'tls');
  const certFile = join(folder, 'cert.pem');
  const keyFile = join(folder, 'key.pem');
  if (existsSync(certFile) && existsSync(keyFile)) {
    return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), created: false };
  }
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const { cert, key } = selfSignedCertificate(machineNames());
  writeFileSync(keyFile, key, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  writeFileSync(certFile, cert, { mode: 0o644 });
  return { cert, key, created: true };
}

import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startTestStore } from '../testing/harness.js';
import { ensureCertificate, machineNames, selfSignedCertificate } from './tls.js';

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});
const fresh = () => {
  const folder = mkdtempSync(join(tmpdir(), 'hanger-tls-'));
  folders.push(folder);
  return folder;
};

const fetchTls = (url: string, ca: string) =>
  new Promise<{ status: number; body: string }>((done, fail) => {
    get(url, { ca }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      response.on('end', () => done({ status: response.statusCode ?? 0, body }));
    }).on('error', fail);
  });

describe('optional HTTPS for the LAN (https.enabled)', () => {
  it('makes a self-signed certificate Node reads, for the host name and every LAN address', () => {
    const names = machineNames();
    const { cert } = selfSignedCertificate(names);
    const x509 = new X509Certificate(cert);
    expect(x509.checkHost(names.dns[0] ?? 'localhost')).toBeTruthy();
    expect(x509.checkHost('localhost')).toBe('localhost');
    for (const ip of names.ips) expect(x509.checkIP(ip.split('%')[0] ?? ip)).toBeTruthy();
    expect(x509.checkIP('10.254.254.254')).toBeUndefined();
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(new Date(x509.validTo).getTime()).toBeGreaterThan(Date.now() + 9 * 365 * 24 * 3600 * 1000);
  });

  it('generates it once into the data folder, key mode 0600, and reuses it', () => {
    const dataDir = fresh();
    const first = ensureCertificate(dataDir);
    expect(first.created).toBe(true);
    expect(statSync(join(dataDir, 'tls', 'key.pem')).mode & 0o777).toBe(0o600);
    const again = ensureCertificate(dataDir);
    expect(again.created).toBe(false);
    expect(again.cert).toBe(first.cert);
  });

  it('serves HTTPS and wss with it when config.json enables it', async () => {
    const dataDir = fresh();
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ https: { enabled: true } }));
    const store = await startTestStore({ dataDir });
    try {
      expect(store.url).toMatch(/^https:\/\//);
      const { cert } = ensureCertificate(dataDir);
      const health = await fetchTls(`${store.url}/api/health`, cert);
      expect(health.status).toBe(200);
      // Without the certificate as a trusted CA the connection is refused.
      await expect(fetchTls(`${store.url}/api/health`, '')).rejects.toThrow();
      const hello = await new Promise<unknown>((done, fail) => {
        const socket = new WebSocket(`${store.url.replace('https', 'wss')}/ws`, { ca: cert });
        socket.once('message', (data) => {
          done(JSON.parse(data.toString()));
          socket.close();
        });
        socket.once('error', fail);
      });
      expect(hello).toMatchObject({ type: 'hello' });
    } finally {
      await store.close();
    }
  });
});

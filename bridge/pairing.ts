import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';

export const tokenFile = (dataDir: string): string => join(dataDir, 'bridge-token');

/** The bridge's device token, if it has been paired. */
export function readToken(dataDir: string): string | null {
  const file = tokenFile(dataDir);
  if (!existsSync(file)) return null;
  const token = readFileSync(file, 'utf8').trim();
  return token || null;
}

/** Keeps the token readable by this user only. */
export function saveToken(dataDir: string, token: string): void {
  const file = tokenFile(dataDir);
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** A refused token is set aside (not deleted) so that a new pairing can start. */
export function retireToken(dataDir: string): void {
  const file = tokenFile(dataDir);
  if (existsSync(file)) renameSync(file, `${file}.refused`);
}

export interface PairingOptions {
  serverUrl: string;
  name?: string;
  log: Logger;
  /** Shows the code to the person at the bridge. */
  show(code: string, expiresAt: string): void;
  pollMs?: number;
  signal?: AbortSignal;
}

async function post(url: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/**
 * Waits between polls. The abort listener goes when the wait ends: one left behind per poll
 * piled up on the signal (MaxListenersExceededWarning after ten polls).
 */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new Error('pairing stopped'));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('pairing stopped'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Pairs this bridge like any device: asks for a code, shows it, and polls until the owner
 * has entered it on the admin page (choosing the checkout terminal the bridge serves). A code
 * that expires is replaced by a new one. Returns the device token.
 */
export async function pairBridge(options: PairingOptions): Promise<string> {
  const base = options.serverUrl.replace(/\/$/, '');
  const name = (options.name ?? `bridge@${hostname()}`).slice(0, 40);
  for (;;) {
    let started: { status: number; body: Record<string, unknown> };
    try {
      started = await post(`${base}/api/devices/pairings`, { kind: 'bridge', name });
    } catch (error) {
      options.log.warn({ err: (error as Error).message }, 'server not reachable for pairing; trying again');
      await sleep(options.pollMs ?? 2000, options.signal);
      continue;
    }
    if (started.status !== 201)
      throw new Error(`pairing refused: ${started.status} ${JSON.stringify(started.body)}`);
    const { pairingId, code, secret, expiresAt } = started.body as Record<string, string>;
    options.show(String(code), String(expiresAt));
    for (;;) {
      await sleep(options.pollMs ?? 2000, options.signal);
      let claim: { status: number; body: Record<string, unknown> };
      try {
        claim = await post(`${base}/api/devices/pairings/${pairingId}/claim`, { secret });
      } catch {
        continue;
      }
      if (claim.body.status === 'paired' && typeof claim.body.token === 'string') return claim.body.token;
      if (claim.body.status === 'expired' || claim.status !== 200) break;
    }
    options.log.info('the pairing code expired; here is a new one');
  }
}

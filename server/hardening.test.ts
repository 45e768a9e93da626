import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type ServerProcess, startServerProcess } from './testing/process.js';
import { testEngine } from './testing/test-database.js';

const PASSWORD = 'owner-Secret-4711';
let dataDir: string;
const started: ServerProcess[] = [];
afterEach(() => {
  for (const server of started.splice(0)) server.child.kill('SIGKILL');
  if (dataDir) {
    chmodSync(dataDir, 0o755);
    rmSync(dataDir, { recursive: true, force: true });
  }
});
const fresh = () => {
  dataDir = mkdtempSync(join(tmpdir(), 'hanger-hardening-'));
  return dataDir;
};
const start = async (env: Record<string, string> = {}) => {
  const server = await startServerProcess(dataDir, { HANGER_OWNER_PASSWORD: PASSWORD, ...env });
  started.push(server);
  return server;
};

// Each test starts real server processes: on a busy machine one start alone takes seconds.
describe('one server per data folder', () => {
  it('refuses a second server with a clear message, and takes over the lock of a killed one', async () => {
    fresh();
    const first = await start();
    const second = await start().catch((error: { output: string; code: number }) => error);
    expect((second as { code: number }).code).toBe(1);
    expect((second as { output: string }).output).toContain(
      `Another Hanger server (PID ${first.child.pid}, started`,
    );
    // The first is still serving.
    expect((await fetch(`${first.url}/api/health`)).status).toBe(200);

    first.child.kill('SIGKILL');
    await first.exited;
    expect(existsSync(join(dataDir, 'hanger.lock'))).toBe(true);
    const third = await start();
    expect((await fetch(`${third.url}/api/health`)).status).toBe(200);
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
    expect(existsSync(join(dataDir, 'hanger.lock'))).toBe(false);
  }, 90_000);

  // The database file in the data folder is SQLite's.
  it.skipIf(testEngine === 'postgres')(
    'a read-only data folder or database stops the start with a clear message',
    async () => {
      fresh();
      const server = await start();
      server.child.kill('SIGTERM');
      await server.exited;
      // Root ignores file modes through two capabilities; without them it is bound like any
      // owner. It stays root, so it still reads the code wherever it lies (even under /root).
      const boundByModes =
        process.getuid?.() === 0 ? ['setpriv', '--bounding-set=-dac_override,-dac_read_search'] : [];
      const run = () => {
        const [command = process.execPath, ...args] = [
          ...boundByModes,
          process.execPath,
          '--import',
          'tsx',
          'server/index.ts',
        ];
        return spawnSync(command, args, {
          env: { ...process.env, HANGER_DATA: dataDir, PORT: '0', HOME: tmpdir() },
          encoding: 'utf8',
          timeout: 40_000,
        });
      };
      chmodSync(join(dataDir, 'hanger.db'), 0o444);
      chmodSync(dataDir, 0o555);
      const folder = run();
      expect(folder.status, folder.stderr).toBe(1);
      expect(folder.stderr).toMatch(/cannot write in the data folder .*read-only/);
      chmodSync(dataDir, 0o777);
      const file = run();
      expect(file.status, file.stderr).toBe(1);
      expect(file.stderr).toMatch(/The database is read-only/);
    },
    // Two starts of a real process, each up to 40 s on a busy machine.
    90_000,
  );
});

describe('logs of a realistic run', () => {
  it('hold no password, PIN, token, pairing secret, member code or full phone number', async () => {
    fresh();
    const server = await start();
    const base = server.url;
    const send = async (method: string, path: string, body?: unknown, token?: string) => {
      const response = await fetch(base + path, {
        method,
        headers: {
          ...(body !== undefined && { 'content-type': 'application/json' }),
          ...(token && { authorization: `Bearer ${token}` }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
    };
    const secrets: string[] = [PASSWORD];
    await send('POST', '/api/auth/login', { username: 'owner', password: 'Wrong-guess-99' });
    secrets.push('Wrong-guess-99');
    const owner = (await send('POST', '/api/auth/login', { username: 'owner', password: PASSWORD })).token;
    secrets.push(owner);
    await send(
      'POST',
      '/api/staff',
      { username: 'lina', name: '李娜', role: 'cashier', password: 'Cashier-Pass-8', pin: '739164' },
      owner,
    );
    secrets.push('Cashier-Pass-8', '739164');
    const pairing = await send('POST', '/api/devices/pairings', { kind: 'checkout', name: '1号收银台' });
    secrets.push(pairing.secret, pairing.code);
    await send('POST', '/api/devices', { code: pairing.code }, owner);
    const claim = await send('POST', `/api/devices/pairings/${pairing.pairingId}/claim`, {
      secret: pairing.secret,
    });
    secrets.push(claim.token);
    const pinLogin = await send('POST', '/api/auth/pin', { username: 'lina', pin: '739164' }, claim.token);
    secrets.push(pinLogin.token);
    const kioskPairing = await send('POST', '/api/devices/pairings', { kind: 'lookup', name: '自助机' });
    await send('POST', '/api/devices', { code: kioskPairing.code }, owner);
    const kiosk = (
      await send('POST', `/api/devices/pairings/${kioskPairing.pairingId}/claim`, {
        secret: kioskPairing.secret,
      })
    ).token;
    secrets.push(kiosk);

    const phones = ['13812345678', '+85291234567', '+14155550100'];
    const members: { id: string; code: string }[] = [];
    for (const phone of phones) {
      const member = await send(
        'POST',
        '/api/members',
        { phone, name: '王芳', pin: '582913' },
        pinLogin.token,
      );
      members.push({ id: member.id, code: member.code });
      secrets.push(member.code);
    }
    secrets.push('582913', '91234567', '4155550100', '12345678');
    await send('GET', '/api/members?phone=13812345678', undefined, pinLogin.token);
    await send('GET', `/api/members?phone=${encodeURIComponent('+85291234567')}`, undefined, owner);
    await send('GET', '/api/members?phone=+14155550100', undefined, owner);
    await send('GET', `/api/members?code=${members[0]?.code}`, undefined, pinLogin.token);
    await send('GET', '/api/members?q=1381234', undefined, pinLogin.token);
    await send('POST', '/api/self/lookup', { phone: '13812345678', pin: '582913' }, kiosk);
    await send('POST', '/api/self/lookup', { memberCode: members[1]?.code }, kiosk);
    await send('POST', '/api/self/lookup', { phone: '13812345678', pin: '000000' }, kiosk);
    await send(
      'POST',
      `/api/members/${members[0]?.id}/top-ups`,
      { id: 'top-1', amount: 50000, method: 'wechat' },
      pinLogin.token,
    );
    await send(
      'POST',
      `/api/members/${members[0]?.id}/stored-value/payments`,
      { id: 'pay-1', amount: 60000, pin: '582913' },
      pinLogin.token,
    );
    await send('GET', `/api/members/${members[0]?.id}`, undefined, owner);
    await send('GET', '/api/members/export?format=csv', undefined, owner);
    await send('GET', '/api/export', undefined, owner);
    await send('POST', '/api/members', { phone: 'not-a-phone', name: 'x' }, owner);
    await send('POST', '/api/auth/pin', { username: 'lina', pin: '111111' }, claim.token);
    // Over WebSocket too: auth with the token, a lookup by phone, a malformed frame.
    await new Promise<void>((resolve, reject) => {
      const socket = new WebSocket(`${base.replace('http', 'ws')}/ws`);
      let step = 0;
      socket.on('message', (data) => {
        const message = JSON.parse(data.toString());
        step += 1;
        if (message.type === 'hello') socket.send(JSON.stringify({ type: 'auth', token: owner }));
        else if (message.type === 'auth_ok') {
          socket.send(JSON.stringify({ id: 1, type: 'members/find', phone: '13812345678' }));
          socket.send(`{"id":2,"type":"members/find","phone":"+85291234567","password":"${PASSWORD}"`);
        } else if (step >= 4) {
          socket.close();
          resolve();
        }
      });
      socket.on('error', reject);
    });
    await send('POST', '/api/auth/logout', undefined, owner);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);

    const logs = server.output();
    expect(logs.split('\n').filter((line) => line.includes('"msg":"request"')).length).toBeGreaterThan(20);
    expect(logs).toContain('138****5678');
    for (const secret of secrets) {
      expect(secret?.length, 'secret known').toBeGreaterThan(3);
      // Digits only count as a leak when they stand alone (not inside a timestamp or a timing).
      const pattern = /^\d+$/.test(secret)
        ? new RegExp(`(?<![\\d.])${secret}(?![\\d.])`)
        : new RegExp(secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      expect(logs, `log leaks ${secret.slice(0, 6)}…`).not.toMatch(pattern);
    }
  }, 90_000);
});

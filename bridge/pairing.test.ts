import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { pairBridge } from './pairing.js';
import { quietLog } from './testing/fixtures.js';

let server: Server | null = null;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A server that keeps the bridge waiting `pending` polls, then hands over a token. */
async function pairingServer(pending: number): Promise<string> {
  let polls = 0;
  const listening = createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    if (request.url === '/api/devices/pairings') {
      response.statusCode = 201;
      response.end(JSON.stringify({ pairingId: 'p1', code: '123456', secret: 's', expiresAt: 'later' }));
      return;
    }
    polls++;
    response.end(
      JSON.stringify(polls > pending ? { status: 'paired', token: 'hgd_test' } : { status: 'pending' }),
    );
  });
  server = listening;
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
}

it('waits through many pairing polls without piling listeners on the stop signal', async () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  process.on('warning', onWarning);
  try {
    const token = await pairBridge({
      serverUrl: await pairingServer(30),
      log: quietLog,
      show: () => {},
      pollMs: 1,
      signal: new AbortController().signal,
    });
    expect(token).toBe('hgd_test');
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
});

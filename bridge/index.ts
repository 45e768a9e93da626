/**
 * `npm run bridge`: the hardware bridge. Reads the devices from `data/config.json`, pairs
 * with the server on first start (the code to enter on the admin page is printed), then keeps
 * a connection to the server and drives the hardware until SIGINT/SIGTERM.
 */
import { resolve } from 'node:path';
import pino from 'pino';
import { ConfigError, loadConfig } from '../server/config/load.js';
import { Bridge } from './bridge.js';
import { pairBridge, readToken, retireToken, saveToken } from './pairing.js';

const log = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { app: 'hanger-bridge' } });
const dataDir = resolve(process.env.HANGER_DATA ?? 'data');

let loaded: Awaited<ReturnType<typeof loadConfig>>;
try {
  loaded = await loadConfig(dataDir);
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}
const { config } = loaded;
const serverUrl = process.env.HANGER_SERVER ?? config.bridge.serverUrl ?? `http://127.0.0.1:${config.port}`;
if (config.bridge.devices.length === 0) {
  log.warn(`${loaded.file} lists no devices under bridge.devices; see README "The hardware bridge"`);
}

const stopping = new AbortController();
let bridge: Bridge | null = null;

async function run(): Promise<void> {
  let token = readToken(dataDir);
  if (!token) {
    token = await pairBridge({
      serverUrl,
      log,
      ...(process.env.HANGER_BRIDGE_NAME && { name: process.env.HANGER_BRIDGE_NAME }),
      signal: stopping.signal,
      show: (code, expiresAt) =>
        process.stdout.write(
          `\n  配对码 Pairing code: ${code}\n  Enter it on the admin page (设备 → 配对) before ${expiresAt}.\n\n`,
        ),
    });
    saveToken(dataDir, token);
    log.info('paired; the token is kept in data/bridge-token');
  }
  bridge = new Bridge({
    devices: config.bridge.devices,
    dataDir,
    serverUrl,
    token,
    log,
    scannerInput: process.stdin,
    onUnauthorized: () => {
      log.error('the server no longer accepts this bridge (revoked?); pairing again');
      retireToken(dataDir);
      const old = bridge;
      bridge = null;
      void old?.stop().then(() => run());
    },
  });
  await bridge.start();
  log.info({ serverUrl, devices: config.bridge.devices.map((d) => d.id) }, 'bridge started');
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stopping.abort();
    void (bridge?.stop() ?? Promise.resolve()).then(() => process.exit(0));
  });
}

run().catch((error: unknown) => {
  if (stopping.signal.aborted) return;
  log.fatal({ err: (error as Error).message }, 'bridge stopped');
  process.exit(1);
});

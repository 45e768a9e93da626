import { mkdirSync } from 'node:fs';
import { boot } from './boot.js';
import { createLogger } from './logging.js';
import { serve } from './server.js';
import { scheduleBackups } from './storage/backup-schedule.js';
import { storageFaultMessage } from './storage/faults.js';
import { lockDataFolder } from './storage/lock.js';
import { closeDataFolder, writePrivately } from './storage/private-files.js';

writePrivately();
const log = createLogger();
const dataDir = process.env.HANGER_DATA ?? './data';

try {
  mkdirSync(dataDir, { recursive: true });
  closeDataFolder(dataDir);
  // One server per data folder: a second one stops here with a clear message.
  const unlock = lockDataFolder(dataDir);
  process.on('exit', unlock);
  const { ctx, generatedOwnerPassword } = await boot({ dataDir, log });
  const running = await serve(ctx, { port: ctx.config.port, host: process.env.HOST ?? '0.0.0.0' });
  if (generatedOwnerPassword) {
    // Printed once, on the console only; it is never logged or stored in clear.
    console.log(
      `\n  首次启动 First start: owner account created.\n  用户名 username: owner\n  密码 password: ${generatedOwnerPassword}\n  Change it on the admin page.\n`,
    );
  }
  log.info({ port: running.port, store: ctx.store.code, dataDir }, `Hanger ${ctx.version} listening`);
  console.log(`  Hanger ${ctx.version} — http://localhost:${running.port}/admin`);

  const stopBackups = scheduleBackups(ctx);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await stopBackups();
    await running.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
} catch (error) {
  // A database that cannot be written (read-only, disk full) says so in the shop's words.
  const message = storageFaultMessage(error) ?? (error instanceof Error ? error.message : String(error));
  console.error(`\nHanger could not start:\n${message}\n`);
  process.exit(1);
}

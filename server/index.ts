import { mkdirSync } from 'node:fs';
import { constants } from 'node:os';
import { boot } from './boot.js';
import { LogPipe } from './log-pipe.js';
import { createLogger } from './logging.js';
import { serve } from './server.js';
import { scheduleBackups } from './storage/backup-schedule.js';
import { storageFaultMessage } from './storage/faults.js';
import { lockDataFolder } from './storage/lock.js';
import { closeDataFolder, writePrivately } from './storage/private-files.js';

/** However a backup, a client or the log holds it, a stop ends within this. */
const SHUTDOWN_MS = 15_000;

writePrivately();
const logPipe = new LogPipe();
const log = createLogger(logPipe);
/** Exits once the log is out, or soon: a log nobody reads must not keep the process alive. */
const exit = async (code: number) => {
  await logPipe.flushed(1_000);
  process.exit(code);
};
const dataDir = process.env.HANGER_DATA ?? './data';

try {
  mkdirSync(dataDir, { recursive: true });
  closeDataFolder(dataDir);
  // One server per data folder: a second one stops here with a clear message.
  const unlock = lockDataFolder(dataDir);
  process.on('exit', unlock);
  const { ctx, generatedOwnerPassword } = await boot({ dataDir, log });
  const running = await serve(ctx, { port: ctx.config.port, host: process.env.HOST ?? '0.0.0.0' });
  const stopBackups = scheduleBackups(ctx);
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      // Asked twice: whoever asks means it. The database is durable at every commit.
      log.warn({ signal }, 'asked again: stopping now');
      await exit(128 + constants.signals[signal]);
      return;
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    setTimeout(() => {
      log.error({ afterMs: SHUTDOWN_MS }, 'shutdown took too long: stopping now');
      void exit(1);
    }, SHUTDOWN_MS).unref();
    await stopBackups();
    await running.close();
    log.info('stopped');
    await exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  // Said only now that a stop is handled: whoever waits for this line may signal at once.
  if (generatedOwnerPassword) {
    // Printed once, on the console only; it is never logged or stored in clear.
    console.log(
      `\n  首次启动 First start: owner account created.\n  用户名 username: owner\n  密码 password: ${generatedOwnerPassword}\n  Change it on the admin page.\n`,
    );
  }
  log.info({ port: running.port, store: ctx.store.code, dataDir }, `Hanger ${ctx.version} listening`);
  console.log(`  Hanger ${ctx.version} — http://localhost:${running.port}/admin`);
} catch (error) {
  // A database that cannot be written (read-only, disk full) says so in the shop's words.
  const message = storageFaultMessage(error) ?? (error instanceof Error ? error.message : String(error));
  console.error(`\nHanger could not start:\n${message}\n`);
  await exit(1);
}

import { constants, copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { CONFIG_VERSION, upgradeConfig } from './migrations.js';
import { type Config, configSchema } from './schema.js';

/** Raised when `config.json` cannot be used; start-up stops and the file is left untouched. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface LoadedConfig {
  config: Config;
  dataDir: string;
  file: string;
  /** True when this start created the file. */
  created: boolean;
}

/**
 * Reads and validates `<dataDir>/config.json`, creating it with defaults when absent. A file
 * of an older version is upgraded step by step (`migrations.ts`); once the result is valid,
 * the old file is copied beside it (`config.json.v1.bak`) and the new one written in its
 * place (lowdb writes a temporary file and renames it). `PORT` overrides the port for this
 * run without touching the file.
 */
export async function loadConfig(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LoadedConfig> {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'config.json');
  const low = new Low<unknown>(new JSONFile<unknown>(file), null);
  try {
    await low.read();
  } catch (error) {
    throw new ConfigError(
      `${file} is not valid JSON (${(error as Error).message}). Fix the file and start again.`,
    );
  }
  const created = low.data === null;
  const upgrade = upgradeConfig(low.data);
  if (upgrade.kind === 'newer') {
    throw new ConfigError(
      `${file} is version ${upgrade.version}, written by a newer Hanger; this one reads versions up to ${CONFIG_VERSION}. ` +
        `Start the newer Hanger again, or put back ${file}.v${CONFIG_VERSION}.bak if its upgrade left one.`,
    );
  }
  if (upgrade.kind === 'bad-version') {
    throw new ConfigError(
      `${file} has version ${JSON.stringify(upgrade.version)}: it must be a whole number from 1 to ${CONFIG_VERSION}.`,
    );
  }
  const parsed = configSchema.safeParse((upgrade.kind === 'upgraded' ? upgrade.file : low.data) ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `  - ${issue.path.join('.') || '(file)'}: ${issue.message}`,
    );
    throw new ConfigError(`${file} has ${problems.length} problem(s):\n${problems.join('\n')}`);
  }
  const config = parsed.data;
  if (created) {
    low.data = config;
    await low.write();
  }
  if (upgrade.kind === 'upgraded') {
    keepCopy(file, upgrade.from);
    // The user's own keys as they wrote them, not the defaults the schema filled in.
    low.data = upgrade.file;
    await low.write();
  }
  if (env.PORT !== undefined && env.PORT !== '') {
    const port = Number(env.PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new ConfigError(`PORT=${env.PORT} is not a port number (0–65535).`);
    }
    config.port = port;
  }
  return { config, dataDir, file, created };
}

/** Copies the file about to be upgraded beside it; an older copy of the same version is kept too. */
function keepCopy(file: string, version: number): void {
  const copy = `${file}.v${version}.bak`;
  try {
    copyFileSync(file, copy, constants.COPYFILE_EXCL);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    copyFileSync(file, `${copy}.${Date.now()}`, constants.COPYFILE_EXCL);
  }
}

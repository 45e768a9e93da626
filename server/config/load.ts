import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
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
 * Reads and validates `<dataDir>/config.json`, creating it with defaults when absent.
 * `PORT` overrides the port for this run without touching the file.
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
  const parsed = configSchema.safeParse(low.data ?? {});
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
  if (env.PORT !== undefined && env.PORT !== '') {
    const port = Number(env.PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new ConfigError(`PORT=${env.PORT} is not a port number (0–65535).`);
    }
    config.port = port;
  }
  return { config, dataDir, file, created };
}

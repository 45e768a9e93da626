import { join } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { ConfigError } from './load.js';
import { type Config, configSchema } from './schema.js';

type ConfigFile = Record<string, unknown>;

/** One config.json change at a time: two saves at once would each write the other's file back. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Changes `<dataDir>/config.json` as the admin page asks (the owner no longer edits it by
 * hand): the file as it is on disk, with the change applied, must pass the same schema as at
 * start, or nothing is written. lowdb writes a temporary file and renames it. Answers the
 * checked config with its defaults filled in.
 */
export function updateConfigFile(dataDir: string, change: (file: ConfigFile) => ConfigFile): Promise<Config> {
  const run = queue.then(async () => {
    const low = new Low<ConfigFile>(new JSONFile<ConfigFile>(join(dataDir, 'config.json')), {});
    await low.read();
    const changed = change(structuredClone(low.data ?? {}));
    const parsed = configSchema.safeParse(changed);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
      throw new ConfigError(`config.json would not be valid: ${problems.join('; ')}`);
    }
    low.data = changed;
    await low.write();
    return parsed.data;
  });
  queue = run.catch(() => {});
  return run;
}

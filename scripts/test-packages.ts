/**
 * The Debian packages the tests need beyond npm's: the browser tests drive Chromium and read
 * CJK text, the bridge tests pair ptys with socat, the WAL shim (`server/storage/wal-batch/`) is
 * compiled with the C compiler, and the second half of the suite runs on a throwaway PostgreSQL. `scripts/pretest.ts` acts on the plan.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** How the check looks at the machine; tests hand in their own. */
export interface Machine {
  exists(path: string): boolean;
  /** Names of the folders in `path`, none when it is missing. */
  folders(path: string): string[];
  /** Is a program of this name on PATH? */
  hasCommand(name: string): boolean;
  /** `fc-list`'s answer: the installed fonts, one a line ('' without fontconfig). */
  fonts(): string;
  isRoot: boolean;
}

interface Need {
  pkg: string;
  /** Why the tests need it, for the message. */
  for: string;
  present(machine: Machine): boolean;
}

const NEEDS: readonly Need[] = [
  { pkg: 'chromium', for: 'the browser tests', present: (m) => m.exists('/usr/bin/chromium') },
  { pkg: 'fonts-noto-cjk', for: 'Chinese text on the screens', present: (m) => /noto.*cjk/i.test(m.fonts()) },
  { pkg: 'socat', for: 'the serial bridge tests', present: (m) => m.hasCommand('socat') },
  { pkg: 'gcc', for: 'the WAL shim npm install builds', present: (m) => m.hasCommand('cc') },
  {
    pkg: 'postgresql',
    for: 'the suite on PostgreSQL',
    present: (m) =>
      m.folders('/usr/lib/postgresql').some((v) => m.exists(`/usr/lib/postgresql/${v}/bin/initdb`)),
  },
];

export type Plan =
  | { kind: 'ready' }
  | { kind: 'install'; packages: string[]; commands: string[][] }
  | { kind: 'stop'; message: string };

/** What to do about the packages this machine lacks. */
export function planTestPackages(machine: Machine): Plan {
  const missing = NEEDS.filter((need) => !need.present(machine));
  if (missing.length === 0) return { kind: 'ready' };
  const packages = missing.map((need) => need.pkg);
  const install = ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...packages];
  if (machine.isRoot) return { kind: 'install', packages, commands: [['apt-get', 'update', '-qq'], install] };
  return {
    kind: 'stop',
    message: [
      'The tests need Debian packages this machine lacks:',
      ...missing.map((need) => `  ${need.pkg} (${need.for})`),
      'Install them, then run npm test again:',
      `  sudo ${install.filter((arg) => arg !== '-qq').join(' ')}`,
    ].join('\n'),
  };
}

/** The machine this runs on. */
export const thisMachine: Machine = {
  exists: existsSync,
  folders: (path) => {
    try {
      return readdirSync(path);
    } catch {
      return [];
    }
  },
  hasCommand: (name) =>
    (process.env.PATH ?? '').split(':').some((folder) => folder !== '' && existsSync(join(folder, name))),
  fonts: () => {
    try {
      return execFileSync('fc-list', { encoding: 'utf8' });
    } catch {
      return '';
    }
  },
  isRoot: process.getuid?.() === 0,
};

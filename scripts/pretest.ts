/**
 * `npm test`'s first step (`pretest`), and `.ci/run`'s: as root, installs the Debian packages
 * the tests need and this machine lacks (apt-get, non-interactive); as anyone else, stops at
 * once with the command to run. Then builds the WAL shim if `npm install` could not.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { WAL_BATCH_LIBRARY } from '../server/storage/wal-batch/wal-batch.js';
import { planTestPackages, thisMachine } from './test-packages.js';

const plan = planTestPackages(thisMachine);
if (plan.kind === 'stop') {
  console.error(`\n${plan.message}\n`);
  process.exit(1);
}
if (plan.kind === 'install') {
  console.log(`Installing the Debian packages the tests need: ${plan.packages.join(' ')}`);
  for (const [command = '', ...args] of plan.commands) {
    execFileSync(command, args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
}
// Built by `npm install` where a C compiler was; the compiler may have come just now.
if (!existsSync(WAL_BATCH_LIBRARY)) {
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build-wal-batch.ts'], { stdio: 'inherit' });
}

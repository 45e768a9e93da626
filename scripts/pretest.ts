/**
 * `npm test`'s first step (`pretest`), and `.ci/run`'s: as root, installs the Debian packages
 * the tests need and this machine lacks (apt-get, non-interactive); as anyone else, stops at
 * once with the command to run.
 */
import { execFileSync } from 'node:child_process';
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

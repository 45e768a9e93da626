/**
 * A vitest reporter for CI: a test file that runs on far longer than any file takes (the
 * slowest take under a minute here) is named, with the test or hook it was last in, every 5
 * minutes; at 15 the run ends there, failed, instead of running into CI's time limit and
 * leaving only "timed out". A test's own timeout cannot fire while its worker's event loop is
 * blocked; this catches that too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { ReportedHookContext, Reporter, TestCase, TestModule } from 'vitest/node';

export interface StallLimits {
  warnAfterMs: number;
  stopAfterMs: number;
  checkEveryMs: number;
}

const CI_LIMITS: StallLimits = { warnAfterMs: 5 * 60_000, stopAfterMs: 15 * 60_000, checkEveryMs: 30_000 };

interface Running {
  started: number;
  /**
   * The test or hook last reported begun in the file. A worker reports in batches, so one
   * blocked in a loop may have a later test running than the one named.
   */
  doing: string;
  warned: number;
}

export default class StalledTestReporter implements Reporter {
  private readonly running = new Map<string, Running>();
  private timer: NodeJS.Timeout | undefined;
  private readonly limits: StallLimits;

  constructor(limits: Partial<StallLimits> = {}) {
    this.limits = { ...CI_LIMITS, ...limits };
  }

  onTestRunStart(): void {
    this.timer = setInterval(() => this.check(), this.limits.checkEveryMs);
    this.timer.unref();
  }

  onTestRunEnd(): void {
    clearInterval(this.timer);
  }

  onTestModuleQueued(module: TestModule): void {
    this.running.set(module.moduleId, { started: Date.now(), doing: 'loading', warned: 0 });
  }

  onTestModuleEnd(module: TestModule): void {
    this.running.delete(module.moduleId);
  }

  onTestCaseReady(test: TestCase): void {
    this.doing(test.module, `test "${test.fullName}"`);
  }

  onHookStart({ name, entity }: ReportedHookContext): void {
    if (entity.type === 'module') this.doing(entity, `${name} of the file`);
    else this.doing(entity.module, `${name} of "${entity.fullName}"`);
  }

  private doing(module: TestModule, what: string): void {
    const file = this.running.get(module.moduleId);
    if (file) file.doing = what;
  }

  private check(): void {
    const now = Date.now();
    for (const [file, run] of this.running) {
      const minutes = `${((now - run.started) / 60_000).toFixed(1)} minutes`;
      if (now - run.started >= this.limits.stopAfterMs) {
        console.error(
          `\n${file} stalled: ${minutes}, last reported: ${run.doing}. The run ends here, failed.`,
        );
        for (const pid of descendants(process.pid)) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // ended meanwhile
          }
        }
        process.exit(1);
      }
      const { warnAfterMs } = this.limits;
      if (now - run.started >= warnAfterMs && now - run.warned >= warnAfterMs) {
        run.warned = now;
        console.error(`\n${file} still running after ${minutes}, last reported: ${run.doing}`);
      }
    }
  }
}

/**
 * Every process under `root` (vitest's workers and what they started), read from /proc: a
 * worker blocked in a loop would otherwise spin on after the run has ended.
 */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    // pid (comm) state ppid …: the name may hold spaces and parentheses, so read after the last ")".
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const visit = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      visit(child);
    }
  };
  visit(root);
  return found;
}

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** The clock ticks per second that /proc counts CPU time in. */
const TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString()) || 100;

interface Times {
  ppid: number;
  /** User and system time of the process itself, in ticks. */
  own: number;
  /** Of its children that have ended (and were waited for). */
  ended: number;
}

function times(pid: number, thread?: number): Times | null {
  let text: string;
  try {
    text = readFileSync(
      thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`,
      'utf8',
    );
  } catch {
    return null;
  }
  // Fields after the command's closing bracket, from the 3rd (state) on: ppid is the 4th,
  // utime/stime the 14th/15th, cutime/cstime the 16th/17th.
  const fields = text
    .slice(text.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  const at = (field: number) => fields[field - 3] ?? 0;
  return { ppid: at(4), own: at(14) + at(15), ended: at(16) + at(17) };
}

/**
 * CPU seconds a process has used; with `children`, those of its children too (live or ended) —
 * a PostgreSQL server's backends are children of its postmaster. A CPU-time figure does not
 * depend on how busy the machine is, as a wall-clock time does.
 */
export function cpuSeconds(pid: number, children = false): number {
  const self = times(pid);
  if (!self) return 0;
  let ticks = self.own;
  if (children) {
    ticks += self.ended;
    for (const entry of readdirSync('/proc')) {
      const child = /^\d+$/.test(entry) ? times(Number(entry)) : null;
      if (child?.ppid === pid) ticks += child.own;
    }
  }
  return ticks / TICKS;
}

/**
 * CPU seconds of a process's main thread alone: a Node server's event loop, where its requests'
 * JavaScript and its SQLite statements run. Busy all the time, it is what bounds the sales a
 * second, whatever the other threads (WAL checkpoints, the garbage collector's helpers) do.
 */
export function mainThreadCpuSeconds(pid: number): number {
  return (times(pid, pid)?.own ?? 0) / TICKS;
}

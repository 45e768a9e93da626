/**
 * A test hook: when HANGER_FAULT_POINT names this point, the process dies here at once, as a
 * power cut would, so a test can prove that a business action leaves nothing half-done.
 * Unset (always, outside those tests) it does nothing.
 */
export function faultPoint(name: string): void {
  if (process.env.HANGER_FAULT_POINT === name) process.kill(process.pid, 'SIGKILL');
}

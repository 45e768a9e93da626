import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<string>();

/**
 * Runs `action` on behalf of a client at `address` (its IP), so that sign-in and PIN checks
 * deep inside a business action (an approval, a member PIN at checkout) count their attempts
 * against the address that made them, without every service passing the request along.
 */
export function asClientAt<T>(address: string | undefined, action: () => T): T {
  return current.run(address ?? 'unknown', action);
}

/** The address of the client being served; 'local' outside a request (CLIs, jobs, tests). */
export function clientAddress(): string {
  return current.getStore() ?? 'local';
}

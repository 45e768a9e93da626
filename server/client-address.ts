import type { Request } from 'express';

/**
 * The address (IP) of the client that sent `req`: sign-in, PIN and approval attempts count
 * against it (lockouts, rate limits), and failures are audited with it. Passed along from the
 * route (or the WebSocket's connection) rather than kept in an `AsyncLocalStorage`: in Node 20
 * any store in use puts a hook on every promise the server makes.
 */
export function addressOf(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/** The address of a check made outside any client's request (CLIs, jobs, tests). */
export const LOCAL_ADDRESS = 'local';

import type { Principal } from '../../../server/protocol/roles.js';
import type { SignedIn as SignIn } from '../../../server/protocol/session.js';
import { type ApiAuth, call } from './http.js';

export type { SignedIn as SignIn } from '../../../server/protocol/session.js';

/** Password sign-in (the admin page). */
export function login(username: string, password: string): Promise<SignIn> {
  return call<SignIn>(null, 'POST', '/api/auth/login', { body: { username, password } });
}

/** PIN sign-in on a paired checkout terminal (the terminal's token goes with it). */
export function pinLogin(terminal: ApiAuth, username: string, pin: string): Promise<SignIn> {
  return call<SignIn>(terminal, 'POST', '/api/auth/pin', { body: { username, pin } });
}

/** Ends this session. */
export function logout(auth: ApiAuth): Promise<void> {
  return call<void>(auth, 'POST', '/api/auth/logout');
}

/** Who the token belongs to. */
export function me(auth: ApiAuth): Promise<{ principal: Principal }> {
  return call<{ principal: Principal }>(auth, 'GET', '/api/auth/me');
}

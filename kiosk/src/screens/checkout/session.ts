import type { SignIn } from '../../data/auth.js';

/**
 * The cashier signed in on this terminal lives in sessionStorage: a reload keeps them signed
 * in, closing the browser signs them out. The names of recent cashiers are remembered so that
 * signing in is one tap and a PIN.
 */
const SESSION_KEY = 'hanger.checkout.session';
const RECENT_KEY = 'hanger.checkout.recent';

export function checkoutSession(): SignIn | null {
  try {
    const text = globalThis.sessionStorage?.getItem(SESSION_KEY);
    if (!text) return null;
    const session = JSON.parse(text) as SignIn;
    // The server decides whether it has expired (and says so with 4401): its clock is the shop's.
    if (typeof session.token !== 'string') return null;
    return session;
  } catch {
    return null;
  }
}

export function storeCheckoutSession(session: SignIn | null): void {
  try {
    if (session) globalThis.sessionStorage?.setItem(SESSION_KEY, JSON.stringify(session));
    else globalThis.sessionStorage?.removeItem(SESSION_KEY);
  } catch {
    // Storage switched off: signed in for as long as the page lives.
  }
}

export function recentUsernames(): string[] {
  try {
    const list = JSON.parse(globalThis.localStorage?.getItem(RECENT_KEY) ?? '[]') as unknown;
    return Array.isArray(list)
      ? list.filter((name): name is string => typeof name === 'string').slice(0, 6)
      : [];
  } catch {
    return [];
  }
}

export function rememberUsername(username: string): void {
  const list = [username, ...recentUsernames().filter((name) => name !== username)].slice(0, 6);
  try {
    globalThis.localStorage?.setItem(RECENT_KEY, JSON.stringify(list));
  } catch {
    // Not remembered; the name can still be typed.
  }
}

import type { SignedIn as AdminSession } from '../../../server/protocol/session.js';

/**
 * Where the screens keep their tokens. A paired device keeps its device token in localStorage
 * (it survives restarts until the owner revokes it); a staff sign-in on the admin page lives in
 * sessionStorage (closing the tab signs out of this browser).
 */
const DEVICE_KEY = (kind: string) => `hanger.device.${kind}`;
const ADMIN_KEY = 'hanger.admin.session';

function read(storage: Storage | undefined, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function write(storage: Storage | undefined, key: string, value: string | null): void {
  try {
    if (value === null) storage?.removeItem(key);
    else storage?.setItem(key, value);
  } catch {
    // Storage switched off: the token lives only as long as the page.
  }
}

export function deviceToken(kind: string): string | null {
  return read(globalThis.localStorage, DEVICE_KEY(kind));
}

export function storeDeviceToken(kind: string, token: string | null): void {
  write(globalThis.localStorage, DEVICE_KEY(kind), token);
}

/** The admin page keeps its sign-in answer as it came. */
export type { SignedIn as AdminSession } from '../../../server/protocol/session.js';

export function adminSession(): AdminSession | null {
  const text = read(globalThis.sessionStorage, ADMIN_KEY);
  if (!text) return null;
  try {
    const session = JSON.parse(text) as AdminSession;
    return typeof session.token === 'string' ? session : null;
  } catch {
    return null;
  }
}

export function storeAdminSession(session: AdminSession | null): void {
  write(globalThis.sessionStorage, ADMIN_KEY, session === null ? null : JSON.stringify(session));
}

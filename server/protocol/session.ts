import type { Principal } from './roles.js';

/** `session/info`: who the connection belongs to, and the store (a display's idle screen shows its name). */
export interface SessionInfo {
  principal: Principal;
  store: { code: string; name: string; timeZone: string; currency: string };
}

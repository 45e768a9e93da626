import type { Principal, StaffRole } from './roles.js';

/** `session/info`: who the connection belongs to, and the store (a display's idle screen shows its name). */
export interface SessionInfo {
  principal: Principal;
  store: { code: string; name: string; timeZone: string; currency: string };
}

/** `POST /api/auth/login` and `/api/auth/pin`: the staff session's token and who it belongs to. */
export interface SignedIn {
  token: string;
  expiresAt: string;
  staff: { id: string; name: string; role: StaffRole };
}

/** Paired devices and pairing, as the admin page and a pairing device see them. */
import type { DeviceKind } from './roles.js';

export interface DeviceView {
  id: string;
  kind: DeviceKind;
  name: string;
  terminalId: string | null;
  pairedAt: string;
  pairedBy: string;
  revokedAt: string | null;
  lastSeenAt: string | null;
}

export interface PairingStarted {
  pairingId: string;
  /** Six digits the device shows; the owner types them on the admin page. */
  code: string;
  /** The device proves with this that it started the pairing when it collects its token. */
  secret: string;
  expiresAt: string;
}

export type PairingState =
  | { status: 'pending'; expiresAt: string }
  | { status: 'paired'; token: string; device: DeviceView }
  | { status: 'expired' };

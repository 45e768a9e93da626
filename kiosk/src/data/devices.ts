import type {
  DeviceView as Device,
  PairingStarted as Pairing,
  PairingState as PairingClaim,
} from '../../../server/protocol/devices.js';
import type { PrintJobState } from '../../../server/protocol/printing.js';
import type { DeviceKind } from '../../../server/protocol/roles.js';
import { type ApiAuth, call } from './http.js';

export type { Device, Pairing, PairingClaim, PrintJobState };

/** The device asks to be paired (no token needed). */
export function startPairing(kind: DeviceKind, name: string): Promise<Pairing> {
  return call<Pairing>(null, 'POST', '/api/devices/pairings', { body: { kind, name } });
}

/** The device asks whether the owner has entered its code; the token comes back once. */
export function claimPairing(pairing: Pick<Pairing, 'pairingId' | 'secret'>): Promise<PairingClaim> {
  return call<PairingClaim>(
    null,
    'POST',
    `/api/devices/pairings/${encodeURIComponent(pairing.pairingId)}/claim`,
    { body: { secret: pairing.secret } },
  );
}

/** The owner pairs the device that shows `code`. */
export function approvePairing(
  auth: ApiAuth,
  input: { code: string; name?: string; terminalId?: string },
): Promise<Device> {
  return call<Device>(auth, 'POST', '/api/devices', { body: input });
}

export async function listDevices(auth: ApiAuth): Promise<Device[]> {
  return (await call<{ items: Device[] }>(auth, 'GET', '/api/devices')).items;
}

export function revokeDevice(auth: ApiAuth, id: string): Promise<Device> {
  return call<Device>(auth, 'POST', `/api/devices/${encodeURIComponent(id)}/revoke`);
}

import type {
  BridgeDeviceSettings,
  BridgeHardwareView,
  HardwareTestResult,
} from '../../../server/protocol/bridge-setup.js';
import { type ApiAuth, call } from './http.js';

export type { BridgeDeviceSettings, BridgeHardwareView, HardwareTestResult };

/** Every paired bridge with its devices, and the printer models the bridge knows. */
export function listBridges(auth: ApiAuth): Promise<{ items: BridgeHardwareView[]; models: string[] }> {
  return call(auth, 'GET', '/api/devices/bridges');
}

/** Saves a bridge's devices; the bridge drives them from its next job on. */
export function saveBridgeDevices(
  auth: ApiAuth,
  bridgeId: string,
  devices: BridgeDeviceSettings[],
): Promise<BridgeHardwareView> {
  return call(auth, 'PUT', `/api/devices/bridges/${encodeURIComponent(bridgeId)}/devices`, {
    body: { devices },
  });
}

/** 测试打印: through the server and the bridge to the device; answers what the device said. */
export function testDevice(auth: ApiAuth, bridgeId: string, hardwareId: string): Promise<HardwareTestResult> {
  return call(
    auth,
    'POST',
    `/api/devices/bridges/${encodeURIComponent(bridgeId)}/devices/${encodeURIComponent(hardwareId)}/test`,
  );
}

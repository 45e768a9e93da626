/**
 * config.json's versions. A file without `version` is version 1, the shape before versions.
 * Step n (at index n - 1) turns a version-n file into version n + 1: a small pure function of
 * the file's JSON that changes only what that version changed; the runner stamps the version.
 * To change the file's shape, add a step here and change `schema.ts` to the new shape.
 */
type ConfigFile = Record<string, unknown>;
type Step = (file: ConfigFile) => ConfigFile;

export const CONFIG_STEPS: readonly Step[] = [
  // 1 → 2: the shape is unchanged; from now on the file says its version.
  (file) => file,
  // 2 → 3: a printer says how it prints text (`mode`); every printer so far used its own font.
  (file) => {
    const bridge = file.bridge as { devices?: unknown } | undefined;
    if (!bridge || !Array.isArray(bridge.devices)) return file;
    const devices = bridge.devices.map((device: unknown) =>
      typeof device === 'object' &&
      device !== null &&
      (device as { kind?: unknown }).kind === 'printer' &&
      (device as { language?: unknown }).language !== 'tspl' &&
      !('mode' in device)
        ? { ...device, mode: 'text' }
        : device,
    );
    return { ...file, bridge: { ...bridge, devices } };
  },
  // 3 → 4: a printer says its command set (`emulation`), and a Star model's default is now Star's
  // own; a Star printer configured so far was driven in ESC/POS, so it keeps saying so.
  (file) => {
    const bridge = file.bridge as { devices?: unknown } | undefined;
    if (!bridge || !Array.isArray(bridge.devices)) return file;
    return { ...file, bridge: { ...bridge, devices: keepStarPrintersOnEscPos(bridge.devices) } };
  },
];

/**
 * A bridge's device list from before Star printers had their own command sets: a Star model
 * without `emulation` was driven in ESC/POS, and says so from now on (else it would switch to
 * the model's own set). For config.json (step 3 → 4) and the lists saved on the admin page
 * (migration 32).
 */
export function keepStarPrintersOnEscPos(devices: readonly unknown[]): unknown[] {
  return devices.map((device: unknown) => {
    if (typeof device !== 'object' || device === null) return device;
    const { kind, model } = device as { kind?: unknown; model?: unknown };
    const star = kind === 'printer' && typeof model === 'string' && model.startsWith('star-');
    return star && !('emulation' in device) ? { ...device, emulation: 'escpos' } : device;
  });
}

/** The version this Hanger reads and writes. */
export const CONFIG_VERSION = CONFIG_STEPS.length + 1;

export type Upgrade =
  | { kind: 'current' }
  | { kind: 'upgraded'; from: number; file: ConfigFile }
  | { kind: 'newer'; version: number }
  | { kind: 'bad-version'; version: unknown };

/** What a file read from disk needs before the schema checks it; pure, touches no file. */
export function upgradeConfig(data: unknown, steps: readonly Step[] = CONFIG_STEPS): Upgrade {
  // Not an object: nothing to upgrade, and the schema says what is wrong with it.
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { kind: 'current' };
  const file = data as ConfigFile;
  const version = 'version' in file ? file.version : 1;
  const latest = steps.length + 1;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return { kind: 'bad-version', version };
  }
  if (version > latest) return { kind: 'newer', version };
  if (version === latest) return { kind: 'current' };
  let upgraded = file;
  for (let at = version; at < latest; at++) {
    const { version: _old, ...rest } = (steps[at - 1] as Step)(upgraded);
    upgraded = { version: at + 1, ...rest };
  }
  return { kind: 'upgraded', from: version, file: upgraded };
}

import type { z } from 'zod';
import type { BridgeDevice, bridgeDevicesSchema } from '../../config/schema.js';
import type { AppContext } from '../../context.js';
import { ApiError, notFound } from '../../errors.js';
import { runAction } from '../../events/action.js';
import { newId } from '../../ids.js';
import type {
  BridgeDeviceSettings,
  BridgeHardwareView,
  BridgeSetup,
  HardwareTestResult,
} from '../../protocol/bridge-setup.js';
import type { DevicePrincipal } from '../../protocol/roles.js';
import { previousValues } from '../audit/changes.js';
import { recordAudit } from '../audit/service.js';
import { receiptLogo } from '../sales/receipt-settings.js';
import { sampleReceipt } from './sample-receipt.js';
import { listDevices } from './service.js';

// The wire type and the config schema say the same thing, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const same: Same<BridgeDevice, BridgeDeviceSettings> = true;
void same;

/** How long a test waits for its bridge: a printer that must first be reached over TCP or USB. */
export const TEST_ANSWER_MS = 15_000;

/** What each bridge last said config.json gives it, by bridge id (since this server started). */
const reported = new Map<string, BridgeDeviceSettings[]>();

/** Tests waiting for their bridge's answer, by request id. */
const waiting = new Map<string, { bridgeId: string; settle: (result: HardwareTestResult) => void }>();

async function savedDevices(ctx: AppContext, bridgeId: string): Promise<BridgeDeviceSettings[] | null> {
  const row = await ctx.storage.db
    .selectFrom('bridge_setups')
    .select('devices')
    .where('device_id', '=', bridgeId)
    .where('store_id', '=', ctx.store.id)
    .executeTakeFirst();
  return row ? (JSON.parse(row.devices) as BridgeDeviceSettings[]) : null;
}

/**
 * A bridge (at its start and after `bridge.setup`) says what its config.json lists and hears
 * what to drive: the devices saved on the admin page, once there are any, and the logo.
 */
export async function bridgeSetup(
  ctx: AppContext,
  bridge: DevicePrincipal,
  fromFile: BridgeDeviceSettings[],
): Promise<BridgeSetup> {
  reported.set(bridge.deviceId, fromFile);
  return {
    bridgeId: bridge.deviceId,
    devices: await savedDevices(ctx, bridge.deviceId),
    logo: await receiptLogo(ctx.storage.db, ctx),
  };
}

/** Every paired bridge with the devices it drives: the page's, or config.json's as last reported. */
export async function listBridgeHardware(ctx: AppContext): Promise<BridgeHardwareView[]> {
  const bridges = (await listDevices(ctx)).filter((d) => d.kind === 'bridge' && !d.revokedAt);
  return Promise.all(
    bridges.map(async (bridge) => {
      const saved = await savedDevices(ctx, bridge.id);
      return {
        bridgeId: bridge.id,
        name: bridge.name,
        terminalId: bridge.terminalId,
        saved: saved !== null,
        connected: reported.has(bridge.id),
        devices: saved ?? reported.get(bridge.id) ?? [],
      };
    }),
  );
}

async function pairedBridge(ctx: AppContext, bridgeId: string) {
  const bridge = (await listDevices(ctx)).find(
    (d) => d.id === bridgeId && d.kind === 'bridge' && !d.revokedAt,
  );
  if (!bridge) throw notFound('bridge', bridgeId);
  return bridge;
}

/** Saves a bridge's devices; the bridge hears of it after the commit and drives them at once. */
export async function saveBridgeDevices(
  ctx: AppContext,
  bridgeId: string,
  devices: z.infer<typeof bridgeDevicesSchema>,
  staffId: string,
): Promise<BridgeHardwareView> {
  await pairedBridge(ctx, bridgeId);
  const before = (await savedDevices(ctx, bridgeId)) ?? reported.get(bridgeId) ?? [];
  await runAction(ctx, async (trx, outbox) => {
    const values = { devices: JSON.stringify(devices), updated_at: ctx.now().toISOString() };
    await trx
      .insertInto('bridge_setups')
      .values({ device_id: bridgeId, store_id: ctx.store.id, ...values })
      .onConflict((oc) => oc.column('device_id').doUpdateSet(values))
      .execute();
    await recordAudit(trx, ctx, {
      kind: 'device.setup_changed',
      staffId,
      deviceId: bridgeId,
      subjectType: 'device',
      subjectId: bridgeId,
      detail: {
        devices: devices.map((d) => d.id),
        ...(JSON.stringify(before) !== JSON.stringify(devices) && {
          was: previousValues({ devices: before.map((d) => d.id) }, { devices: devices.map((d) => d.id) }),
        }),
      },
    });
    outbox.add('bridge.setup', { bridgeId });
  });
  const views = await listBridgeHardware(ctx);
  return views.find((view) => view.bridgeId === bridgeId) as BridgeHardwareView;
}

/** A bridge's answer to `hardware.test`. */
export function hardwareTested(bridge: DevicePrincipal, requestId: string, result: HardwareTestResult): void {
  const entry = waiting.get(requestId);
  if (!entry || entry.bridgeId !== bridge.deviceId) throw notFound('hardware test', requestId);
  waiting.delete(requestId);
  entry.settle(result);
}

/**
 * 测试打印 / test: the bridge prints the shop's sample receipt on the printer (a label printer
 * a sample tag, a pole display a greeting) and says what the device answered. No answer in
 * time, or a failed test, is 502 `device_unavailable` naming why.
 */
export async function testHardware(
  ctx: AppContext,
  bridgeId: string,
  hardwareId: string,
  staffId: string,
): Promise<HardwareTestResult> {
  const bridge = await pairedBridge(ctx, bridgeId);
  const requestId = newId();
  const answered = new Promise<HardwareTestResult | null>((resolve) => {
    const timer = setTimeout(() => {
      waiting.delete(requestId);
      resolve(null);
    }, TEST_ANSWER_MS);
    waiting.set(requestId, {
      bridgeId,
      settle: (result) => {
        clearTimeout(timer);
        resolve(result);
      },
    });
  });
  const receipt = await sampleReceipt(ctx, bridge.name);
  ctx.bus.publish('hardware.test', ctx.store.id, { bridgeId, requestId, hardwareId, receipt });
  const result = (await answered) ?? {
    hardwareId,
    ok: false,
    answer: 'the hardware bridge did not answer (is it running and connected?)',
  };
  await ctx.storage.write((trx) =>
    recordAudit(trx, ctx, {
      kind: 'device.tested',
      staffId,
      deviceId: bridgeId,
      subjectType: 'device',
      subjectId: bridgeId,
      detail: { hardwareId, ok: result.ok, answer: result.answer },
    }),
  );
  if (!result.ok) {
    throw new ApiError('device_unavailable', `The test did not work: ${result.answer}.`, {
      [hardwareId]: result.answer,
    });
  }
  return result;
}

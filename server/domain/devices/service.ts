import { randomInt } from 'node:crypto';
import type { AppContext } from '../../context.js';
import { ApiError, notFound } from '../../errors.js';
import { newId } from '../../ids.js';
import type { DeviceView, PairingStarted, PairingState } from '../../protocol/devices.js';
import type { DeviceKind, DevicePrincipal } from '../../protocol/roles.js';
import { hotQuery } from '../../storage/hot-query.js';
import type { DeviceTable } from '../../storage/schema.js';
import { recordAudit } from '../audit/service.js';
import { newToken, tokenHash } from '../staff/secrets.js';
import { forgetBridge } from './label-printers.js';

export const PAIRING_MINUTES = 10;
/** A flood of pairing requests from the LAN must not fill the database. */
export const MAX_PENDING_PAIRINGS = 20;
/** Waiting pairings one address may hold: a stranger cannot fill the list for everyone. */
export const MAX_PENDING_PER_ADDRESS = 3;

function view(row: DeviceTable): DeviceView {
  return {
    id: row.id,
    kind: row.kind as DeviceKind,
    name: row.name,
    terminalId: row.terminal_id,
    pairedAt: row.paired_at,
    pairedBy: row.paired_by,
    revokedAt: row.revoked_at,
    lastSeenAt: row.last_seen_at,
  };
}

/** A device asks to be paired: it gets a code to show and a secret to keep. */
export async function startPairing(
  ctx: AppContext,
  kind: DeviceKind,
  name: string,
  address: string,
): Promise<PairingStarted> {
  const now = ctx.now().toISOString();
  const secret = newToken('hgp');
  const expiresAt = new Date(ctx.now().getTime() + PAIRING_MINUTES * 60_000).toISOString();
  return ctx.storage.write(async (trx) => {
    const waiting = await trx
      .selectFrom('device_pairings')
      .select(['id', 'code', 'address'])
      .where('status', '=', 'pending')
      .where('expires_at', '>', now)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    // One address holds at most a few places on the waiting list: its newest request takes the
    // place of its oldest (a screen reloaded while waiting starts again; that one is told so),
    // so a stranger cannot fill the list from one address and a shop's own device never sticks.
    const ours = waiting.filter((row) => row.address === address);
    const replaced = ours.slice(0, Math.max(0, ours.length - MAX_PENDING_PER_ADDRESS + 1));
    if (replaced.length > 0) {
      await trx
        .updateTable('device_pairings')
        .set({ status: 'cancelled' })
        .where(
          'id',
          'in',
          replaced.map((row) => row.id),
        )
        .execute();
    }
    const pending = waiting.filter((row) => !replaced.includes(row));
    if (pending.length >= MAX_PENDING_PAIRINGS) {
      throw new ApiError(
        'conflict',
        'Too many devices are waiting to be paired; pair them, or the owner clears the waiting list.',
      );
    }
    const taken = new Set(pending.map((row) => row.code));
    let code: string;
    do code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    while (taken.has(code));
    const pairingId = newId();
    await trx
      .insertInto('device_pairings')
      .values({
        id: pairingId,
        store_id: ctx.store.id,
        kind,
        name,
        code,
        secret_hash: tokenHash(secret),
        status: 'pending',
        device_id: null,
        created_at: now,
        expires_at: expiresAt,
        address,
      })
      .execute();
    return { pairingId, code, secret, expiresAt };
  });
}

/**
 * The owner clears every pairing still waiting (a flood of requests from strangers): their
 * devices are told the pairing expired and start again. Answers how many were cleared.
 */
export async function clearPendingPairings(ctx: AppContext, byStaffId: string): Promise<{ cleared: number }> {
  const now = ctx.now().toISOString();
  return ctx.storage.write(async (trx) => {
    const cleared = await trx
      .updateTable('device_pairings')
      .set({ status: 'cancelled' })
      .where('status', '=', 'pending')
      .where('expires_at', '>', now)
      .returning('id')
      .execute();
    await recordAudit(trx, ctx, {
      kind: 'device.pairings_cleared',
      staffId: byStaffId,
      detail: { cleared: cleared.length },
    });
    return { cleared: cleared.length };
  });
}

/** The owner confirms the code a device shows. The device collects its token on its next poll. */
export async function approvePairing(
  ctx: AppContext,
  code: string,
  byStaffId: string,
  options: { name?: string | undefined; terminalId?: string | undefined },
): Promise<DeviceView> {
  const now = ctx.now().toISOString();
  const deviceId = await ctx.storage.write(async (trx) => {
    const pairing = await trx
      .selectFrom('device_pairings')
      .selectAll()
      .where('code', '=', code)
      .where('status', '=', 'pending')
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (!pairing) {
      throw new ApiError('not_found', `No device is waiting with code ${code}; it may have expired.`, {
        code: 'no device waiting with this code',
      });
    }
    const kind = pairing.kind as DeviceKind;
    const terminalId = options.terminalId ?? null;
    if (terminalId !== null) {
      if (kind !== 'display' && kind !== 'bridge') {
        throw new ApiError('validation_failed', 'Only a display or a bridge belongs to a terminal.', {
          terminalId: `not for a ${kind}`,
        });
      }
      const terminal = await trx
        .selectFrom('devices')
        .select(['kind', 'revoked_at'])
        .where('id', '=', terminalId)
        .executeTakeFirst();
      if (terminal?.kind !== 'checkout' || terminal.revoked_at) {
        throw new ApiError('validation_failed', 'terminalId must name a paired checkout terminal.', {
          terminalId: 'not a paired checkout terminal',
        });
      }
    }
    const id = newId();
    await trx
      .insertInto('devices')
      .values({
        id,
        store_id: ctx.store.id,
        kind,
        name: options.name ?? pairing.name,
        token_hash: null,
        terminal_id: terminalId,
        paired_by: byStaffId,
        paired_at: now,
        revoked_at: null,
        revoked_by: null,
        last_seen_at: null,
      })
      .execute();
    await trx
      .updateTable('device_pairings')
      .set({ status: 'approved', device_id: id })
      .where('id', '=', pairing.id)
      .execute();
    await recordAudit(trx, ctx, {
      kind: 'device.paired',
      staffId: byStaffId,
      deviceId: id,
      subjectType: 'device',
      subjectId: id,
      detail: { kind, name: options.name ?? pairing.name, terminalId },
    });
    return id;
  });
  const device = await getDevice(ctx, deviceId);
  ctx.bus.publish('device.paired', ctx.store.id, { deviceId, kind: device.kind, name: device.name });
  return device;
}

/**
 * The device polls with its secret. Once the owner has approved, the first poll hands over
 * the device token; it is never shown again.
 */
export async function pollPairing(ctx: AppContext, pairingId: string, secret: string): Promise<PairingState> {
  const now = ctx.now().toISOString();
  const result = await ctx.storage.write(async (trx) => {
    const pairing = await trx
      .selectFrom('device_pairings')
      .selectAll()
      .where('id', '=', pairingId)
      .executeTakeFirst();
    if (!pairing || pairing.secret_hash !== tokenHash(secret)) {
      throw new ApiError('not_found', 'No such pairing, or the secret does not match.');
    }
    if (pairing.status === 'cancelled') return { status: 'expired' } as const;
    if (pairing.status === 'pending') {
      return pairing.expires_at > now
        ? ({ status: 'pending', expiresAt: pairing.expires_at } as const)
        : ({ status: 'expired' } as const);
    }
    if (pairing.status !== 'approved' || !pairing.device_id) {
      throw new ApiError('conflict', 'This pairing was completed already; the token is not given out twice.');
    }
    const token = newToken('hgd');
    await trx
      .updateTable('devices')
      .set({ token_hash: tokenHash(token) })
      .where('id', '=', pairing.device_id)
      .execute();
    await trx
      .updateTable('device_pairings')
      .set({ status: 'claimed' })
      .where('id', '=', pairing.id)
      .execute();
    return { status: 'paired', token, deviceId: pairing.device_id } as const;
  });
  if (result.status !== 'paired') return result;
  return { status: 'paired', token: result.token, device: await getDevice(ctx, result.deviceId) };
}

export async function getDevice(ctx: AppContext, id: string): Promise<DeviceView> {
  const row = await ctx.storage.db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('device', id);
  return view(row);
}

export async function listDevices(ctx: AppContext): Promise<DeviceView[]> {
  const rows = await ctx.storage.db
    .selectFrom('devices')
    .selectAll()
    .where('store_id', '=', ctx.store.id)
    .orderBy('paired_at')
    .execute();
  return rows.map(view);
}

/** Revokes a device: its token stops working at once, and so do staff sessions opened on it. */
export async function revokeDevice(ctx: AppContext, id: string, byStaffId: string): Promise<DeviceView> {
  const device = await getDevice(ctx, id);
  if (device.revokedAt) return device;
  await ctx.storage.write(async (trx) => {
    await trx
      .updateTable('devices')
      .set({ revoked_at: ctx.now().toISOString(), revoked_by: byStaffId })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, ctx, {
      kind: 'device.revoked',
      staffId: byStaffId,
      deviceId: id,
      subjectType: 'device',
      subjectId: id,
      detail: { kind: device.kind, name: device.name },
    });
  });
  forgetBridge(ctx, id);
  ctx.bus.publish('device.revoked', ctx.store.id, { deviceId: id });
  return getDevice(ctx, id);
}

const deviceByToken = hotQuery((db, value) =>
  db
    .selectFrom('devices')
    .select(['id', 'store_id', 'kind', 'name', 'terminal_id', 'revoked_at'])
    .where('token_hash', '=', value('tokenHash')),
);

export async function resolveDeviceToken(ctx: AppContext, token: string): Promise<DevicePrincipal | null> {
  const row = await deviceByToken.first(ctx.storage.db, { tokenHash: tokenHash(token) });
  // A device belongs to the store that paired it, even where stores share one database.
  if (!row || row.revoked_at || row.store_id !== ctx.store.id) return null;
  return {
    kind: 'device',
    deviceId: row.id,
    storeId: row.store_id,
    name: row.name,
    deviceKind: row.kind as DeviceKind,
    terminalId: row.terminal_id,
  };
}

/** Remembers when a device last connected (once per WebSocket connection, not per request). */
export async function markSeen(ctx: AppContext, deviceId: string): Promise<void> {
  await ctx.storage.write((trx) =>
    trx
      .updateTable('devices')
      .set({ last_seen_at: ctx.now().toISOString() })
      .where('id', '=', deviceId)
      .execute(),
  );
}

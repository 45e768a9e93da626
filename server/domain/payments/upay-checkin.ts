import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../context.js';
import { storeDate } from '../loyalty/calendar.js';
import { merchantSetup, paymentMode, saveMerchantSetup, UPAY_ENDPOINT } from './merchant-setup.js';
import { closeGateways } from './open-gateways.js';
import { checkInTerminal, type UpayTerminal } from './upay-terminal.js';

/**
 * The 收钱吧 terminal's daily check-in: 收钱吧 asks a terminal to check in at least once a day
 * and answers a new key each time, keeping the current and the last one valid. The new key is
 * written (whole file, renamed) before it is used; a crash before that leaves the old key in the
 * file, which 收钱吧 still takes, so the terminal is never lost.
 */

/** After a check-in that failed (no network), the next try waits this long, not a second. */
const RETRY_MS = 10 * 60_000;

const inFlight = new WeakMap<AppContext, Promise<UpayTerminal | null>>();
const lastFailure = new WeakMap<AppContext, number>();

/** A device id for 收钱吧 (at most 32 characters): this server, once per terminal. */
export function newDeviceId(): string {
  return `HG${randomBytes(12).toString('hex')}`;
}

/** The store's day, as check-ins are counted. */
export function storeDay(ctx: AppContext): string {
  return storeDate(ctx.now(), ctx.store.timeZone);
}

async function checkIn(ctx: AppContext): Promise<UpayTerminal | null> {
  const upay = merchantSetup(ctx).upay;
  if (!upay) return null;
  const deviceId = upay.deviceId ?? newDeviceId();
  const answer = await checkInTerminal(upay, deviceId, upay.endpoint ?? UPAY_ENDPOINT);
  if (answer.state !== 'ok') {
    lastFailure.set(ctx, ctx.now().getTime());
    ctx.log.warn({ terminalSn: upay.terminalSn, answer }, '收钱吧 check-in failed: the current key is kept');
    return null;
  }
  lastFailure.delete(ctx);
  // Read again: the owner may have replaced the terminal while 收钱吧 answered.
  const now = merchantSetup(ctx);
  if (now.upay?.terminalSn !== upay.terminalSn) return null;
  saveMerchantSetup(ctx, {
    ...now,
    upay: { ...now.upay, terminalKey: answer.terminal.terminalKey, deviceId, checkedInOn: storeDay(ctx) },
  });
  // Live gateways made with the old key are dropped: the next payment opens them with the new one.
  if (paymentMode(ctx) === 'live') await closeGateways(ctx);
  ctx.log.info({ terminalSn: upay.terminalSn }, '收钱吧 terminal checked in: new key stored');
  return { terminalSn: upay.terminalSn, terminalKey: answer.terminal.terminalKey };
}

/** Checks the saved terminal in now (one at a time): the terminal with its new key, or null. */
export function checkInUpay(ctx: AppContext): Promise<UpayTerminal | null> {
  let running = inFlight.get(ctx);
  if (!running) {
    running = checkIn(ctx).finally(() => inFlight.delete(ctx));
    inFlight.set(ctx, running);
  }
  return running;
}

/**
 * The worker's daily check: a terminal not checked in today (by the store's calendar) is, at
 * start and then on the worker's timer; a failed try is repeated after `RETRY_MS`.
 */
export async function checkInIfDue(ctx: AppContext): Promise<void> {
  const upay = merchantSetup(ctx).upay;
  if (!upay || upay.checkedInOn === storeDay(ctx)) return;
  const failed = lastFailure.get(ctx);
  if (failed !== undefined && ctx.now().getTime() - failed < RETRY_MS) return;
  await checkInUpay(ctx);
}

/**
 * A payment call refused with ILLEGAL_SIGN under `refusedKey`: the key in the file when another
 * call checked in meanwhile, else a check-in now. Null when there is no better key.
 */
export async function renewUpayKey(ctx: AppContext, refusedKey: string): Promise<UpayTerminal | null> {
  const upay = merchantSetup(ctx).upay;
  if (!upay) return null;
  if (upay.terminalKey !== refusedKey) return { terminalSn: upay.terminalSn, terminalKey: upay.terminalKey };
  return checkInUpay(ctx);
}

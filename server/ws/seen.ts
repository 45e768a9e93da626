import type { AppContext } from '../context.js';
import { markSeen } from '../domain/devices/service.js';
import type { Principal } from '../protocol/roles.js';

/** How often a busy device's "last seen" is written: often enough for the admin page, not per frame. */
export const SEEN_EVERY_MS = 60_000;

/**
 * Keeps each device's "last seen" current from its WebSocket traffic (its sign-in, pings and
 * requests, whoever is signed in at it), writing at most once a minute per device.
 */
export class SeenDevices {
  private readonly written = new Map<string, number>();

  constructor(private readonly ctx: AppContext) {}

  /** Notes traffic from the principal's device; resolves once the write (when one was due) is done. */
  async seen(principal: Principal): Promise<void> {
    const deviceId = principal.deviceId;
    if (!deviceId) return;
    const now = this.ctx.now().getTime();
    const last = this.written.get(deviceId);
    if (last !== undefined && now - last < SEEN_EVERY_MS) return;
    this.written.set(deviceId, now);
    try {
      await markSeen(this.ctx, deviceId);
    } catch (error) {
      // The next frame tries again; a frame is never refused for this.
      this.written.delete(deviceId);
      this.ctx.log.warn({ err: error }, 'could not note a device as seen');
    }
  }
}

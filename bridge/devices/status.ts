import type { HardwareStatus } from '../../server/protocol/events.js';
import type { BridgeBus } from '../bus.js';

/** Remembers a device's last status and publishes only changes. */
export class StatusReporter {
  private current: { status: HardwareStatus; reason?: string } | null = null;

  constructor(
    private readonly hardwareId: string,
    private readonly bus: BridgeBus,
  ) {}

  get status(): HardwareStatus | null {
    return this.current?.status ?? null;
  }

  set(status: HardwareStatus, reason?: string): void {
    if (this.current?.status === status && this.current.reason === reason) return;
    this.current = reason === undefined ? { status } : { status, reason };
    this.bus.emit('device.status', { hardwareId: this.hardwareId, ...this.current });
  }
}

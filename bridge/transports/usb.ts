/// <reference types="w3c-web-usb" />
import { type Channel, type Connector, DeviceError } from './channel.js';

/** What `usb` 3 adds to a WebUSB device (its type is not exported). */
interface UsbDevice extends USBDevice {
  detachKernelDriver(interfaceNumber: number): Promise<void>;
}

const hex = (n: number) => n.toString(16).padStart(4, '0');

/** The udev rule that lets the bridge's user open the printer, for the error message and the README. */
export function udevRule(vendorId: number, productId: number): string {
  return `SUBSYSTEM=="usb", ATTRS{idVendor}=="${hex(vendorId)}", ATTRS{idProduct}=="${hex(productId)}", MODE="0660", GROUP="plugdev"`;
}

/**
 * A USB printer found by vendor and product id (and serial number when two alike are plugged
 * in), opened per job. On Linux the kernel's usblp driver holds a printer's interface; it is
 * detached first. The native module is loaded on first use only.
 */
export class UsbConnector implements Connector {
  readonly description: string;

  constructor(
    private readonly vendorId: number,
    private readonly productId: number,
    private readonly serialNumber?: string,
  ) {
    this.description = `usb ${hex(vendorId)}:${hex(productId)}${serialNumber ? ` #${serialNumber}` : ''}`;
  }

  async open(): Promise<Channel> {
    let webusb: { getDevices(): Promise<UsbDevice[]> };
    try {
      webusb = (await import('usb')).usb as unknown as typeof webusb;
    } catch (error) {
      throw new DeviceError(`USB support did not load: ${(error as Error).message}`, 'error');
    }
    const device = (await webusb.getDevices()).find(
      (d) =>
        d.vendorId === this.vendorId &&
        d.productId === this.productId &&
        (this.serialNumber === undefined || d.serialNumber === this.serialNumber),
    );
    if (!device) throw new DeviceError(`${this.description} is not plugged in (lsusb lists what is)`);
    try {
      await device.open();
      if (!device.configuration) await device.selectConfiguration(1);
    } catch (error) {
      throw new DeviceError(this.accessHint(error as Error), 'error');
    }
    const chosen = pickInterface(device);
    if (!chosen) {
      await device.close().catch(() => {});
      throw new DeviceError(`${this.description} has no bulk OUT endpoint; is it a printer?`, 'error');
    }
    try {
      await device.detachKernelDriver(chosen.interfaceNumber).catch(() => {
        // No kernel driver attached: nothing to detach.
      });
      await device.claimInterface(chosen.interfaceNumber);
    } catch (error) {
      await device.close().catch(() => {});
      throw new DeviceError(this.accessHint(error as Error), 'error');
    }
    return {
      write: async (bytes) => {
        const result = await device.transferOut(chosen.out, new Uint8Array(bytes));
        if (result.status !== 'ok') throw new DeviceError(`${this.description}: transfer ${result.status}`);
      },
      read: async (timeoutMs) => {
        if (chosen.in === null) return null;
        const transfer = device
          .transferIn(chosen.in, 64)
          .then((result: USBInTransferResult) =>
            result.data && result.data.byteLength > 0 ? Buffer.from(result.data.buffer) : null,
          );
        const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), timeoutMs));
        return Promise.race([transfer.catch(() => null), timeout]);
      },
      close: async () => {
        await device.releaseInterface(chosen.interfaceNumber).catch(() => {});
        await device.close().catch(() => {});
      },
    };
  }

  private accessHint(error: Error): string {
    if (/access|permission|EACCES|denied/i.test(error.message)) {
      return (
        `no permission to open ${this.description}. Add a udev rule, e.g. /etc/udev/rules.d/99-hanger-printer.rules: ` +
        `${udevRule(this.vendorId, this.productId)} — then run "sudo udevadm control --reload && sudo udevadm trigger", ` +
        'add the user to plugdev and replug the printer'
      );
    }
    return `${this.description}: ${error.message}`;
  }
}

function pickInterface(
  device: USBDevice,
): { interfaceNumber: number; out: number; in: number | null } | null {
  const interfaces = device.configuration?.interfaces ?? [];
  // Prefer the printer class (7), else any interface with a bulk OUT endpoint.
  const sorted = [...interfaces].sort(
    (a, b) => Number(b.alternate.interfaceClass === 7) - Number(a.alternate.interfaceClass === 7),
  );
  for (const candidate of sorted) {
    const endpoints = candidate.alternate.endpoints;
    const out = endpoints.find((e) => e.direction === 'out' && e.type === 'bulk');
    if (!out) continue;
    const inbound = endpoints.find((e) => e.direction === 'in' && e.type === 'bulk');
    return {
      interfaceNumber: candidate.interfaceNumber,
      out: out.endpointNumber,
      in: inbound?.endpointNumber ?? null,
    };
  }
  return null;
}

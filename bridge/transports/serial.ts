import { EventEmitter } from 'node:events';
import type { SerialPortStream } from '@serialport/stream';
import { SerialPort } from 'serialport';
import { type Channel, type Connector, DeviceError, Inbox } from './channel.js';

/** Makes a (closed) port; tests pass one that builds `SerialPortMock`s. */
export type PortFactory = (options: { path: string; baudRate: number }) => SerialPortStream;

export const realPorts: PortFactory = ({ path, baudRate }) =>
  new SerialPort({ path, baudRate, autoOpen: false });

function openPort(port: SerialPortStream): Promise<void> {
  return new Promise((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
}

function closePort(port: SerialPortStream): Promise<void> {
  return new Promise((resolve) => {
    if (!port.isOpen) return resolve();
    port.close(() => resolve());
  });
}

/** A sentence a shop owner can act on for a serial port that would not open. */
export function describeOpenError(path: string, error: Error): string {
  const message = error.message;
  if (/ENOENT|No such file/i.test(message))
    return `${path} does not exist — is the device plugged in? (ls /dev/serial/by-id)`;
  if (/EACCES|Permission denied/i.test(message))
    return `no permission to open ${path} — add the bridge's user to the dialout group (sudo usermod -aG dialout $USER) and log in again`;
  if (/EBUSY|Resource busy|lock/i.test(message)) return `${path} is in use by another program`;
  return `${path}: ${message}`;
}

export interface SerialLinkEvents {
  up: [];
  down: [reason: string];
  data: [chunk: Buffer];
}

/**
 * A serial port kept open: when the device goes away (unplugged, socat killed) it reports
 * `down` and tries again every `reopenMs`, so a replugged scanner is back within a second or
 * two without a restart. The constructor does no work; `start()` opens.
 */
export class SerialLink extends EventEmitter<SerialLinkEvents> {
  private port: SerialPortStream | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private lastReason: string | null = null;
  private isUp = false;

  constructor(
    readonly path: string,
    private readonly baudRate: number,
    private readonly ports: PortFactory = realPorts,
    private readonly reopenMs = 500,
  ) {
    super();
  }

  get up(): boolean {
    return this.isUp;
  }

  start(): void {
    this.running = true;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const port = this.port;
    this.port = null;
    this.isUp = false;
    if (port) await closePort(port);
  }

  write(bytes: Buffer): Promise<void> {
    const port = this.port;
    if (!port || !this.isUp) return Promise.reject(new DeviceError(`${this.path} is not connected`));
    return new Promise((resolve, reject) => {
      port.write(bytes, (error) => {
        if (error) reject(new DeviceError(`${this.path}: ${error.message}`));
        else port.drain(() => resolve());
      });
    });
  }

  private async connect(): Promise<void> {
    if (!this.running) return;
    const port = this.ports({ path: this.path, baudRate: this.baudRate });
    try {
      await openPort(port);
    } catch (error) {
      this.lost(describeOpenError(this.path, error as Error));
      return;
    }
    if (!this.running) {
      await closePort(port);
      return;
    }
    this.port = port;
    this.isUp = true;
    this.lastReason = null;
    port.on('data', (chunk: Buffer) => this.emit('data', chunk));
    port.on('error', () => {
      // 'close' follows with the reason; nothing to add.
    });
    port.on('close', (error?: Error & { disconnected?: boolean }) => {
      if (this.port !== port) return;
      this.port = null;
      this.isUp = false;
      this.lost(
        error?.disconnected
          ? `${this.path} disconnected — plug it back in`
          : `${this.path} closed${error ? `: ${error.message}` : ''}`,
      );
    });
    this.emit('up');
  }

  private lost(reason: string): void {
    if (reason !== this.lastReason) {
      this.lastReason = reason;
      this.emit('down', reason);
    }
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, this.reopenMs);
  }
}

/** A serial printer or drawer, opened per job. */
export class SerialConnector implements Connector {
  readonly description: string;

  constructor(
    private readonly path: string,
    private readonly baudRate: number,
    private readonly ports: PortFactory = realPorts,
  ) {
    this.description = path;
  }

  async open(): Promise<Channel> {
    const port = this.ports({ path: this.path, baudRate: this.baudRate });
    try {
      await openPort(port);
    } catch (error) {
      throw new DeviceError(describeOpenError(this.path, error as Error));
    }
    const inbox = new Inbox();
    port.on('data', (chunk: Buffer) => inbox.push(chunk));
    port.on('error', () => {});
    return {
      write: (bytes) =>
        new Promise((resolve, reject) => {
          port.write(bytes, (error) => {
            if (error) reject(new DeviceError(`${this.path}: ${error.message}`));
            else port.drain(() => resolve());
          });
        }),
      read: (timeoutMs) => inbox.read(timeoutMs),
      close: () => closePort(port),
    };
  }
}

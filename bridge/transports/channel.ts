/** One open connection to a printer (or drawer) for the length of a job. */
export interface Channel {
  write(bytes: Buffer): Promise<void>;
  /** The next bytes the device sends, or null when none come within `timeoutMs`. */
  read(timeoutMs: number): Promise<Buffer | null>;
  close(): Promise<void>;
}

/** Opens channels to one device: a printer is opened per job so others may use it in between. */
export interface Connector {
  /** For messages: "tcp 192.168.1.50:9100", "/dev/ttyUSB0". */
  readonly description: string;
  open(): Promise<Channel>;
}

/** Raised when a device cannot be reached; `status` is what the bridge reports for it. */
export class DeviceError extends Error {
  override name = 'DeviceError';
  constructor(
    message: string,
    readonly status: 'offline' | 'error' = 'offline',
  ) {
    super(message);
  }
}

/** Collects incoming bytes and hands them to `read` callers one chunk at a time. */
export class Inbox {
  private readonly chunks: Buffer[] = [];
  private waiter: ((chunk: Buffer | null) => void) | null = null;

  push(chunk: Buffer): void {
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = null;
      waiter(chunk);
    } else this.chunks.push(chunk);
  }

  read(timeoutMs: number): Promise<Buffer | null> {
    const queued = this.chunks.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve(null);
      }, timeoutMs);
      this.waiter = (chunk) => {
        clearTimeout(timer);
        resolve(chunk);
      };
    });
  }
}

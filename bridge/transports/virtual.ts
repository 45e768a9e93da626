import { EventEmitter } from 'node:events';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { TSPL_STATUS_QUERY } from '../receipt/tspl-status.js';
import { type Channel, type Connector, Inbox } from './channel.js';
import type { SerialLinkEvents } from './serial.js';

/**
 * A printer that appends what it receives to a file, and a readable rendering of each job to
 * `<file>.txt` beside it. It answers status requests (DLE EOT, TSPL's <ESC>!?) with "all fine", like a real
 * printer with paper, so the whole path runs in demos and tests without hardware.
 */
export class VirtualPrinterConnector implements Connector {
  readonly description: string;

  constructor(readonly file: string) {
    this.description = `virtual printer ${file}`;
  }

  async open(): Promise<Channel> {
    await mkdir(dirname(this.file), { recursive: true });
    const inbox = new Inbox();
    return {
      write: async (bytes) => {
        if (bytes.length === 3 && bytes[0] === 0x10 && bytes[1] === 0x04) {
          inbox.push(Buffer.from([0x12]));
          return;
        }
        // A label printer's <ESC>!?: ready.
        if (bytes.equals(TSPL_STATUS_QUERY)) {
          inbox.push(Buffer.from([0x00]));
          return;
        }
        await appendFile(this.file, bytes);
      },
      read: (timeoutMs) => inbox.read(timeoutMs),
      close: async () => {},
    };
  }

  /** Appends what the paper reads to the text file beside the bytes. */
  async writePreview(jobId: string, text: string): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    await appendFile(`${this.file}.txt`, `=== ${jobId}\n${text}\n`);
  }
}

/** A scanner fed from a stream (stdin in a demo): each line typed is a scan. */
export class StreamScanSource extends EventEmitter<SerialLinkEvents> {
  private readonly onData = (chunk: Buffer | string) =>
    this.emit('data', typeof chunk === 'string' ? Buffer.from(chunk) : chunk);

  constructor(private readonly input: Readable) {
    super();
  }

  start(): void {
    this.input.on('data', this.onData);
    this.emit('up');
  }

  async stop(): Promise<void> {
    this.input.off('data', this.onData);
  }
}

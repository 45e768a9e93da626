import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { PoleView } from '../../server/protocol/pole.js';
import type { BridgeBus } from '../bus.js';
import { encodePole, type PoleCommandSet, poleLines } from '../receipt/pole.js';
import type { Charset } from '../receipt/text-width.js';
import type { SerialLink } from '../transports/serial.js';
import { StatusReporter } from './status.js';

/** A 2×20 pole display on a serial port, or a virtual one that logs its two lines to a file. */
export class PoleDisplay {
  private readonly status: StatusReporter;
  private readonly listeners: Array<() => void> = [];
  private shown: [string, string] | null = null;
  private greeting: NodeJS.Timeout | null = null;

  constructor(
    readonly id: string,
    private readonly output: { link: SerialLink } | { file: string },
    private readonly commandSet: PoleCommandSet,
    private readonly charset: Charset,
    bus: BridgeBus,
    private readonly log: Logger,
    /** After the paid amount and the change, the greeting comes back after this long. */
    private readonly greetAfterMs = 20_000,
  ) {
    this.status = new StatusReporter(id, bus);
  }

  /** The two lines last shown. */
  get lines(): [string, string] | null {
    return this.shown;
  }

  start(): void {
    if ('file' in this.output) {
      this.status.set('online');
      return;
    }
    const link = this.output.link;
    const onUp = () => {
      this.status.set('online');
      // A display that was replugged shows what it showed before.
      if (this.shown) void this.write(this.shown);
    };
    const onDown = (reason: string) => this.status.set('offline', reason);
    link.on('up', onUp);
    link.on('down', onDown);
    this.listeners.push(
      () => link.off('up', onUp),
      () => link.off('down', onDown),
    );
    link.start();
  }

  async stop(): Promise<void> {
    this.cancelGreeting();
    for (const stop of this.listeners.splice(0)) stop();
    if ('link' in this.output) await this.output.link.stop();
  }

  async show(view: PoleView): Promise<void> {
    this.cancelGreeting();
    if (view.kind === 'paid') {
      this.greeting = setTimeout(() => {
        this.greeting = null;
        void this.show({ kind: 'idle' });
      }, this.greetAfterMs);
    }
    const lines = poleLines(view, this.charset);
    this.shown = lines;
    await this.write(lines);
  }

  private cancelGreeting(): void {
    if (this.greeting) clearTimeout(this.greeting);
    this.greeting = null;
  }

  private async write(lines: [string, string]): Promise<void> {
    try {
      if ('file' in this.output) {
        await mkdir(dirname(this.output.file), { recursive: true });
        await appendFile(this.output.file, `${new Date().toISOString()} |${lines[0]}|${lines[1]}|\n`);
        this.log.info({ hardwareId: this.id, top: lines[0], bottom: lines[1] }, 'pole display');
      } else await this.output.link.write(encodePole(lines, this.commandSet, this.charset));
    } catch (error) {
      this.log.warn({ hardwareId: this.id, err: (error as Error).message }, 'pole display not updated');
    }
  }
}

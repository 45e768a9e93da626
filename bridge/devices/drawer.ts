import type { Logger } from 'pino';
import type { BridgeBus } from '../bus.js';
import { drawerPulse } from '../receipt/escpos.js';
import type { Connector } from '../transports/channel.js';
import type { Printer } from './printer.js';
import { StatusReporter } from './status.js';

/** A cash drawer: kicked through the printer it hangs off, or through its own interface. */
export class Drawer {
  private readonly status: StatusReporter;

  constructor(
    readonly id: string,
    private readonly target: { printer: Printer } | { connector: Connector },
    readonly pin: 2 | 5,
    bus: BridgeBus,
    private readonly log: Logger,
  ) {
    this.status = new StatusReporter(id, bus);
  }

  /** The printer whose receipts may carry the kick (cash sales), if the drawer hangs off one. */
  get printer(): Printer | null {
    return 'printer' in this.target ? this.target.printer : null;
  }

  start(): void {}

  async stop(): Promise<void> {}

  /** Null when the pulse went out, else why not. */
  async kick(reason: string): Promise<string | null> {
    try {
      if ('printer' in this.target) await this.target.printer.send(this.target.printer.drawerPulse(this.pin));
      else {
        const channel = await this.target.connector.open();
        try {
          await channel.write(drawerPulse(this.pin));
        } finally {
          await channel.close();
        }
      }
      this.log.info({ hardwareId: this.id, reason }, 'drawer opened');
      this.status.set('online');
      return null;
    } catch (error) {
      const why = `could not open the drawer: ${(error as Error).message}`;
      this.log.warn({ hardwareId: this.id, reason: why }, 'drawer kick failed');
      this.status.set('offline', why);
      return why;
    }
  }
}

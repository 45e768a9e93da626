import { join } from 'node:path';
import type { Logger } from 'pino';
import type { BridgeDevice } from '../server/config/schema.js';
import type {
  BridgeSetup,
  HardwareTestRequest,
  HardwareTestResult,
} from '../server/protocol/bridge-setup.js';
import type { CommandParams, CommandResult, CommandType } from '../server/protocol/commands.js';
import type { EventType, HardwareStatus, StoreEvent } from '../server/protocol/events.js';
import { printJobSchema } from '../server/protocol/print-schemas.js';
import type { PrintJob, PrintJobState } from '../server/protocol/printing.js';
import { BridgeBus } from './bus.js';
import { CommandError, NotConnectedError, ServerConnection } from './connection.js';
import type { Drawer } from './devices/drawer.js';
import type { Printer } from './devices/printer.js';
import { buildHardware, type Hardware, type HardwareOptions } from './hardware.js';
import { PrintQueue } from './queue/print-queue.js';
import { type RetryPolicy, Spooler } from './queue/spooler.js';
import { drawerPulse } from './receipt/escpos.js';

export interface BridgeOptions extends Omit<HardwareOptions, 'bus'> {
  devices: readonly BridgeDevice[];
  serverUrl: string;
  token: string;
  /** The server refused the token: pair again. */
  onUnauthorized?: () => void;
  retry?: RetryPolicy;
  backoff?: { firstMs: number; maxMs: number };
}

const TOPICS: readonly EventType[] = [
  'drawer.open',
  'print.job',
  'print.reprint',
  'pole.show',
  'bridge.setup',
  'hardware.test',
];

/**
 * The hardware bridge: drives the shop's scanners, printers, pole displays and drawers and
 * talks to the server as a paired device of kind `bridge`. The constructor does no work;
 * `start()` opens the devices and the connection, `stop()` closes everything.
 */
export class Bridge {
  readonly bus = new BridgeBus();
  private hardware: Hardware | null = null;
  private queue: PrintQueue | null = null;
  private spooler: Spooler | null = null;
  private connection: ServerConnection | null = null;
  private readonly statuses = new Map<
    string,
    { hardwareId: string; status: HardwareStatus; reason?: string }
  >();
  /** Print states the server has not heard yet (the link was down), latest per job. */
  private readonly unsentStates = new Map<
    string,
    { jobId: string; state: PrintJobState; attempts?: number; reason?: string }
  >();
  private readonly unlisten: Array<() => void> = [];
  private readonly log: Logger;
  /** What the hardware was last built from: config.json's devices until the server gives its own. */
  private setup: Pick<BridgeSetup, 'logo'> & { devices: readonly BridgeDevice[] };
  /** Rebuilds one after another: two setups arriving together must not build twice at once. */
  private rebuilding: Promise<void> = Promise.resolve();

  constructor(private readonly options: BridgeOptions) {
    this.log = options.log;
    this.setup = { devices: options.devices, logo: null };
  }

  get connected(): boolean {
    return this.connection?.connected ?? false;
  }

  /** The devices, once started (tests and the demo look at them). */
  get devices(): Hardware | null {
    return this.hardware;
  }

  async start(): Promise<void> {
    const { log } = this;
    const hardware = buildHardware(this.setup.devices, { ...this.options, bus: this.bus });
    this.hardware = hardware;
    const queue = new PrintQueue(join(this.options.dataDir, 'bridge-print-queue.json'));
    const loaded = queue.load();
    if (loaded.unreadable) log.error({ problem: loaded.unreadable }, 'the print queue file was unreadable');
    for (const entry of loaded.interrupted) {
      log.warn(
        { jobId: entry.key },
        'a job was interrupted while printing; it is not printed again by itself',
      );
      this.unsentStates.set(entry.job.jobId, {
        jobId: entry.job.jobId,
        state: 'unknown',
        reason: entry.reason ?? '',
      });
    }
    this.queue = queue;
    this.spooler = new Spooler(queue, (job) => this.route(job), this.bus, log, this.options.retry);

    this.unlisten.push(
      this.bus.on('device.status', (status) => {
        this.statuses.set(status.hardwareId, status);
        log.info(status, 'device status');
        void this.reportStatus(status);
      }),
      this.bus.on('scan', (scan) => void this.relayScan(scan)),
      this.bus.on('print.state', (state) => {
        this.unsentStates.set(state.jobId, state);
        void this.flushStates();
      }),
    );

    startHardware(hardware);
    this.spooler.start();

    this.connection = new ServerConnection({
      serverUrl: this.options.serverUrl,
      token: this.options.token,
      log,
      topics: TOPICS,
      backoff: this.options.backoff,
      onEvent: (event) => this.onEvent(event),
      onReady: () => this.onConnected(),
      onDown: (reason) => {
        log.warn({ reason }, 'lost the server');
        this.bus.emit('server.down', { reason });
      },
      onUnauthorized: () => this.options.onUnauthorized?.(),
    });
    this.connection.start();
  }

  async stop(): Promise<void> {
    for (const stop of this.unlisten.splice(0)) stop();
    await this.connection?.stop();
    await this.spooler?.stop();
    await this.rebuilding;
    if (this.hardware) await stopHardware(this.hardware);
  }

  /**
   * Drives what the server says: the devices saved on the admin page (or config.json's while
   * there are none) and the shop's logo. Unchanged, nothing happens; changed, the devices are
   * stopped and built again, so the next receipt prints with the new settings.
   */
  private applySetup(setup: BridgeSetup): Promise<void> {
    const next = { devices: setup.devices ?? this.options.devices, logo: setup.logo };
    this.rebuilding = this.rebuilding.then(async () => {
      if (JSON.stringify(next) === JSON.stringify(this.setup) || !this.hardware) return;
      let hardware: Hardware;
      try {
        hardware = buildHardware(next.devices, { ...this.options, bus: this.bus, shopLogo: next.logo });
      } catch (error) {
        this.log.error(
          { err: (error as Error).message },
          'the devices from the server cannot be driven; kept the old ones',
        );
        return;
      }
      await stopHardware(this.hardware);
      this.setup = next;
      this.hardware = hardware;
      startHardware(hardware);
      this.log.info({ devices: next.devices.map((d) => d.id) }, 'devices set up from the server');
    });
    return this.rebuilding;
  }

  private async askSetup(): Promise<void> {
    const setup = await this.send('bridge/setup', { devices: [...this.options.devices] });
    if (setup) await this.applySetup(setup);
  }

  /** 测试打印 / test: through the same device objects as real work, answered with what the device said. */
  private async testDevice(request: HardwareTestRequest): Promise<HardwareTestResult> {
    const { hardwareId } = request;
    const hardware = this.hardware;
    const printer = hardware?.printers.find((p) => p.id === hardwareId);
    if (printer) {
      const job: PrintJob =
        printer.language === 'escpos'
          ? {
              kind: 'receipt',
              document: request.receipt,
              openDrawer: false,
              jobId: request.requestId,
              terminalId: '',
              reprint: false,
            }
          : {
              kind: 'labels',
              document: {
                labels: [
                  { styleCode: 'TEST', name: '测试打印', barcode: '6901234567892', price: 1, copies: 1 },
                ],
              },
              jobId: request.requestId,
              terminalId: '',
              reprint: false,
            };
      const outcome = await printer.print(request.requestId, printer.render(job), () => {});
      return outcome.ok
        ? { hardwareId, ok: true, answer: 'online' }
        : { hardwareId, ok: false, answer: outcome.reason };
    }
    const display = hardware?.displays.find((d) => d.id === hardwareId);
    if (display) {
      await display.show({ kind: 'idle', text: '测试 TEST' });
      return { hardwareId, ok: true, answer: 'online' };
    }
    const status = this.statuses.get(hardwareId);
    if (
      hardware?.scanners.some((d) => d.id === hardwareId) ||
      hardware?.drawers.some((d) => d.id === hardwareId)
    ) {
      const ok = status?.status === 'online';
      return {
        hardwareId,
        ok,
        answer: status ? `${status.status}${status.reason ? `: ${status.reason}` : ''}` : 'no status yet',
      };
    }
    return { hardwareId, ok: false, answer: 'this bridge drives no such device' };
  }

  /** Asks the spooler to try held jobs at once. */
  retryPrinting(): void {
    this.spooler?.retryNow();
  }

  private route(job: PrintJob): { printer: Printer } | null {
    const printers = this.hardware?.printers ?? [];
    const receipts = printers.find((p) => p.language === 'escpos');
    const printer =
      job.kind === 'labels' ? (printers.find((p) => p.language !== 'escpos') ?? receipts) : receipts;
    return printer ? { printer } : null;
  }

  private onEvent(event: StoreEvent): void {
    switch (event.type) {
      case 'drawer.open': {
        const { reason, requestId } = event.data;
        void this.openDrawer(reason).then((failure) =>
          this.send('drawer/opened', {
            requestId,
            opened: failure === null,
            ...(failure && { reason: failure }),
          }),
        );
        break;
      }
      case 'print.job':
        this.accept(event.data, 'live');
        break;
      case 'print.reprint': {
        const { jobId } = event.data;
        if (!this.spooler?.reprint(jobId)) {
          this.unsentStates.set(jobId, {
            jobId,
            state: 'failed',
            reason: 'this bridge has no such job to reprint',
          });
          void this.flushStates();
        }
        break;
      }
      case 'bridge.setup':
        void this.askSetup();
        break;
      case 'hardware.test': {
        const request = event.data;
        void this.testDevice(request)
          .catch(
            (error: unknown): HardwareTestResult => ({
              hardwareId: request.hardwareId,
              ok: false,
              answer: (error as Error).message,
            }),
          )
          .then((result) =>
            this.send('hardware/tested', {
              requestId: request.requestId,
              ...result,
              answer: result.answer.slice(0, 300),
            }),
          );
        break;
      }
      case 'pole.show': {
        const { view } = event.data;
        for (const display of this.hardware?.displays ?? []) void display.show(view);
        break;
      }
      default:
        break;
    }
  }

  /** Kicks the drawer(s); null when the kick went out, else why not. */
  private async openDrawer(reason: string): Promise<string | null> {
    const drawers: Drawer[] = this.hardware?.drawers ?? [];
    if (drawers.length > 0) {
      const failures = (await Promise.all(drawers.map((d) => d.kick(reason)))).filter((f) => f !== null);
      return failures.length === drawers.length ? failures.join('; ') : null;
    }
    const printer = this.hardware?.printers.find((p) => p.language === 'escpos');
    if (!printer) {
      this.log.warn({ reason }, 'asked to open the drawer, but no drawer or receipt printer is configured');
      return 'no cash drawer or receipt printer is configured on this bridge';
    }
    try {
      await printer.send(drawerPulse(2));
      return null;
    } catch (error) {
      this.log.warn({ err: (error as Error).message }, 'drawer kick failed');
      return `could not open the drawer: ${(error as Error).message}`;
    }
  }

  /**
   * A job from the server: checked, queued (once per job id), confirmed to the server. A cash
   * sale's drawer opens now, apart from the receipt, and only for a job that arrives as the
   * sale is made (`live`): one collected later, after the link or the printer was down, never
   * opens a drawer minutes after the customer left. The kick goes first, so it is not kept
   * waiting behind the receipt.
   */
  private accept(raw: unknown, arrival: 'live' | 'collected'): void {
    const parsed = printJobSchema.safeParse(raw);
    if (!parsed.success) {
      const jobId = (raw as { jobId?: unknown })?.jobId;
      this.log.error({ issues: parsed.error.issues.slice(0, 5) }, 'refused a print job that is not valid');
      if (typeof jobId === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(jobId)) {
        this.unsentStates.set(jobId, { jobId, state: 'failed', reason: 'the job is not a valid document' });
        void this.flushStates();
      }
      return;
    }
    const job = parsed.data;
    const fresh = !this.queue?.knows(job.jobId);
    if (fresh && arrival === 'live' && job.kind === 'receipt' && job.openDrawer && !job.reprint)
      void this.openDrawer('cash sale');
    if (this.spooler?.submit(job)) return;
    // Seen before (sent again after a reconnect): tell the server where it is, print nothing.
    const known = this.queue?.all().find((entry) => entry.key === job.jobId);
    const state: PrintJobState = known?.state === 'printing' || !known ? 'queued' : known.state;
    this.unsentStates.set(job.jobId, {
      jobId: job.jobId,
      state,
      ...(known?.reason && { reason: known.reason }),
    });
    void this.flushStates();
  }

  private async onConnected(): Promise<void> {
    await this.askSetup();
    for (const status of this.statuses.values()) await this.reportStatus(status);
    await this.flushStates();
    const pending = await this.send('print/pending', {});
    for (const job of pending?.items ?? []) this.accept(job, 'collected');
  }

  /** A device's status to the server; a printer's says its language, so tags find a label printer. */
  private reportStatus(status: { hardwareId: string; status: HardwareStatus; reason?: string }) {
    const printer = this.hardware?.printers.find((p) => p.id === status.hardwareId);
    return this.send('devices/report_status', { ...status, ...(printer && { language: printer.language }) });
  }

  private flushing: Promise<void> = Promise.resolve();
  private flushStates(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      for (const [jobId, state] of [...this.unsentStates]) {
        if (!this.connected) return;
        const { reason, ...rest } = state;
        // The server keeps at most 200 characters of a reason; a longer one would be refused.
        const sent = await this.send('print/report', {
          ...rest,
          ...(reason !== undefined && { reason: reason.slice(0, 200) }),
        });
        if (sent !== undefined && this.unsentStates.get(jobId) === state) this.unsentStates.delete(jobId);
      }
    });
    return this.flushing;
  }

  private async relayScan(scan: {
    hardwareId: string;
    code: string;
    symbology: string | null;
  }): Promise<void> {
    if (!this.connected) {
      // A scan delivered minutes later would surprise the cashier; it is dropped and logged.
      this.log.warn({ hardwareId: scan.hardwareId }, 'scan dropped: not connected to the server');
      return;
    }
    await this.send('scanner/scan', {
      hardwareId: scan.hardwareId,
      code: scan.code,
      ...(scan.symbology !== null && { symbology: scan.symbology }),
    });
  }

  /** Sends a command; undefined when it could not be sent or the server refused it (logged). */
  private async send<K extends CommandType>(
    type: K,
    params: CommandParams<K>,
  ): Promise<CommandResult<K> | null | undefined> {
    if (!this.connection?.connected) return undefined;
    try {
      return (await this.connection.request(type, params)) ?? null;
    } catch (error) {
      if (error instanceof NotConnectedError) return undefined;
      const level = error instanceof CommandError ? 'warn' : 'error';
      this.log[level]({ type, err: (error as Error).message }, 'the server did not take a message');
      // The server knows no such job (another till's, or made before a restore): sending the
      // same report again would never help, so it counts as delivered.
      return error instanceof CommandError && error.code === 'not_found' ? null : undefined;
    }
  }
}

function startHardware(hardware: Hardware): void {
  for (const printer of hardware.printers) printer.start();
  for (const scanner of hardware.scanners) scanner.start();
  for (const display of hardware.displays) display.start();
  for (const drawer of hardware.drawers) drawer.start();
}

async function stopHardware(hardware: Hardware): Promise<void> {
  await Promise.all([
    ...hardware.scanners.map((d) => d.stop()),
    ...hardware.displays.map((d) => d.stop()),
    ...hardware.drawers.map((d) => d.stop()),
    ...hardware.printers.map((d) => d.stop()),
  ]);
}

import { isAbsolute, join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { BridgeDevice } from '../server/config/schema.js';
import type { ReceiptLogo } from '../server/protocol/receipt.js';
import type { BridgeBus } from './bus.js';
import { PoleDisplay } from './devices/display.js';
import { Drawer } from './devices/drawer.js';
import { Printer } from './devices/printer.js';
import { MAX_SCAN_LENGTH } from './devices/scan-framing.js';
import { Scanner } from './devices/scanner.js';
import type { SingleByteCodePage } from './receipt/escpos.js';
import { codePageTable, type ModelProfile, modelProfile, PRINTER_MODELS } from './receipt/profiles.js';
import { findRasterFont } from './receipt/raster.js';
import type { Connector } from './transports/channel.js';
import { type PortFactory, realPorts, SerialConnector, SerialLink } from './transports/serial.js';
import { TcpConnector } from './transports/tcp.js';
import { UsbConnector } from './transports/usb.js';
import { StreamScanSource, VirtualPrinterConnector } from './transports/virtual.js';

export interface HardwareOptions {
  dataDir: string;
  bus: BridgeBus;
  log: Logger;
  /** Serial ports; tests pass a factory of `SerialPortMock`s. */
  ports?: PortFactory;
  /** What the virtual scanner reads (stdin when run from the command line). */
  scannerInput?: Readable;
  /** Pause before reopening a serial port that went away. */
  reopenMs?: number;
  statusTimeoutMs?: number;
  probeEveryMs?: number;
  /** How often a printer that cannot print is looked at (default 1 s). */
  recheckMs?: number;
  connectTimeoutMs?: number;
  /** The shop's logo (from the server's setup), printed on receipts. */
  shopLogo?: ReceiptLogo | null;
}

/**
 * The printer's single-byte code page from its model's data: the one the config names, else
 * PC437 by the model's own number. A model without ESC t (Star's own command sets) keeps the
 * plain table 0 unless a code page was asked for, which it cannot print.
 */
function codePageOf(
  device: BridgeDevice,
  emulation: 'escpos' | 'star-line' | 'star-prnt',
): SingleByteCodePage | undefined {
  if (!device.codePage && !device.model) return undefined;
  const encoding = device.codePage ?? 'cp437';
  try {
    return { encoding, table: codePageTable(device.model, encoding, emulation) };
  } catch (error) {
    if (device.codePage) throw new Error(`printer ${device.id}: ${(error as Error).message}`);
    return undefined;
  }
}

/** Every device the config names, built (not started) — each has start() and stop(). */
export interface Hardware {
  scanners: Scanner[];
  printers: Printer[];
  displays: PoleDisplay[];
  drawers: Drawer[];
}

export function buildHardware(devices: readonly BridgeDevice[], options: HardwareOptions): Hardware {
  const { bus, log } = options;
  const ports = options.ports ?? realPorts;
  const virtualFile = (device: BridgeDevice, extension: string) => {
    const file = device.transport?.type === 'virtual' ? device.transport.file : undefined;
    if (!file) return join(options.dataDir, 'virtual', `${device.id}.${extension}`);
    return isAbsolute(file) ? file : join(options.dataDir, file);
  };
  const connector = (device: BridgeDevice): Connector => {
    const transport = device.transport;
    switch (transport?.type) {
      case 'serial':
        return new SerialConnector(transport.path, transport.baudRate, ports);
      case 'tcp':
        return new TcpConnector(transport.host, transport.port, options.connectTimeoutMs);
      case 'usb':
        return new UsbConnector(transport.vendorId, transport.productId, transport.serialNumber);
      default:
        return new VirtualPrinterConnector(virtualFile(device, 'bin'));
    }
  };
  const hardware: Hardware = { scanners: [], printers: [], displays: [], drawers: [] };
  const deviceLog = (device: BridgeDevice) => log.child({ hardwareId: device.id });

  for (const device of devices.filter((d) => d.kind === 'printer')) {
    // The model's data fills what the config leaves out; an explicit option always wins.
    let model: ModelProfile | undefined;
    try {
      model = device.model ? modelProfile(device.model) : undefined;
    } catch (error) {
      throw new Error(
        `printer ${device.id}: ${(error as Error).message}; known models: ${PRINTER_MODELS.join(', ')}`,
      );
    }
    const paperWidth = device.paperWidth ?? model?.paperWidth ?? 80;
    // A Star model prints in the command set it ships in unless the config says otherwise.
    const emulation = device.emulation ?? model?.emulation ?? 'escpos';
    // A raster printer without its font is said at start, not at the first receipt.
    if (device.mode === 'raster') findRasterFont();
    hardware.printers.push(
      new Printer(
        device.id,
        connector(device),
        {
          profile: {
            language: device.language ?? 'escpos',
            paperWidth,
            charset: device.charset ?? 'gb18030',
            qr: device.qr ?? model?.qr ?? 'native',
            logo: device.logo,
            shopLogo: options.shopLogo,
            codePage: codePageOf(device, emulation),
            emulation,
            cut: device.cut ?? model?.cut ?? true,
            label: device.label ?? { widthMm: 40, heightMm: 30, gapMm: 2 },
            mode: device.mode ?? 'text',
            // The model's columns only where its paper is the one configured.
            ...(model && model.paperWidth === paperWidth && { columns: model.columns, dots: model.dots }),
          },
          statusCheck: device.statusCheck ?? true,
          statusTimeoutMs: options.statusTimeoutMs ?? 2000,
          probeEveryMs: options.probeEveryMs ?? 30_000,
          recheckMs: options.recheckMs ?? 1000,
        },
        bus,
        deviceLog(device),
      ),
    );
  }
  let stdinTaken = false;
  for (const device of devices) {
    const transport = device.transport;
    if (device.kind === 'scanner') {
      let source: SerialLink | StreamScanSource;
      if (transport?.type === 'serial') {
        source = new SerialLink(transport.path, transport.baudRate, ports, options.reopenMs);
      } else {
        // One virtual scanner reads stdin; more would fight over it.
        source = new StreamScanSource(
          !stdinTaken && options.scannerInput ? options.scannerInput : new PassThrough(),
        );
        stdinTaken = true;
      }
      hardware.scanners.push(
        new Scanner(
          device.id,
          source,
          {
            framing: device.framing ?? 'line',
            idleMs: device.idleMs ?? 60,
            gapMs: device.gapMs ?? 100,
            terminator: device.terminator ?? 'enter',
            prefix: device.prefix ?? '',
            suffix: device.suffix ?? '',
            maxLength: MAX_SCAN_LENGTH,
            debounceMs: device.debounceMs ?? 500,
          },
          bus,
          deviceLog(device),
        ),
      );
    } else if (device.kind === 'display') {
      const output =
        transport?.type === 'serial'
          ? { link: new SerialLink(transport.path, transport.baudRate, ports, options.reopenMs) }
          : { file: virtualFile(device, 'log') };
      const charset = device.charset ?? 'ascii';
      hardware.displays.push(
        new PoleDisplay(
          device.id,
          output,
          device.commandSet ?? 'epson',
          charset,
          bus,
          deviceLog(device),
          device.greetAfterMs,
        ),
      );
    } else if (device.kind === 'drawer') {
      const printer = device.via ? hardware.printers.find((p) => p.id === device.via) : undefined;
      const target = printer ? { printer } : { connector: connector(device) };
      hardware.drawers.push(new Drawer(device.id, target, device.pin ?? 2, bus, deviceLog(device)));
    }
  }
  return hardware;
}

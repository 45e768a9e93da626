import { z } from 'zod';
import { CONFIG_VERSION } from './migrations.js';
import { CODE_PAGES, PRINTER_MODELS } from './printer-models.js';

/** An IANA time zone this Node knows, such as Asia/Shanghai. */
export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const serialTransport = z.object({
  type: z.literal('serial'),
  path: z.string().min(1).max(200),
  baudRate: z.number().int().positive().default(9600),
});
const usbTransport = z.object({
  type: z.literal('usb'),
  vendorId: z.number().int().min(0).max(0xffff),
  productId: z.number().int().min(0).max(0xffff),
  serialNumber: z.string().max(100).optional(),
});
const tcpTransport = z.object({
  type: z.literal('tcp'),
  host: z.string().min(1).max(253),
  port: z.number().int().min(1).max(65535).default(9100),
});
const virtualTransport = z.object({
  type: z.literal('virtual'),
  /** A virtual printer's output file (bytes; a text rendering goes beside it as .txt). */
  file: z.string().min(1).max(200).optional(),
});
const deviceId = z.string().regex(/^[a-z0-9-]{1,40}$/, 'lowercase letters, digits and dashes, at most 40');

/** One piece of hardware the bridge drives. Options apply to the kinds their comments name. */
export const bridgeDeviceSchema = z
  .object({
    id: deviceId,
    kind: z.enum(['scanner', 'printer', 'display', 'drawer']),
    /** Optional only for a drawer that hangs off a printer (`via`). */
    transport: z
      .discriminatedUnion('type', [serialTransport, usbTransport, tcpTransport, virtualTransport])
      .optional(),
    /** Printer paper width. */
    paperWidth: z.union([z.literal(58), z.literal(80)]).optional(),
    /** Scanner: a scan ends at CR/LF (`line`, the default) or after a pause (`idle`). */
    framing: z.enum(['line', 'idle']).optional(),
    /** Scanner with idle framing: the pause that ends a scan. */
    idleMs: z.number().int().min(10).max(2000).optional(),
    /** Scanner with line framing: bytes with no line end within this time are noise (default 100 ms). */
    gapMs: z.number().int().min(20).max(5000).optional(),
    /** Scanner with line framing: a scan ends at Enter (CR/LF, the default) or at Tab. */
    terminator: z.enum(['enter', 'tab']).optional(),
    /**
     * Scanner: characters the scanner is set to add before/after each code: removed, and a line
     * without them is refused as garbled.
     */
    prefix: z.string().max(16).optional(),
    suffix: z.string().max(16).optional(),
    /** Scanner: the same code again within this time is one scan (default 500 ms). */
    debounceMs: z.number().int().min(0).max(10_000).optional(),
    /** Printer and display: GB18030 or GBK with the Chinese mode (FS &), or plain ASCII. */
    charset: z.enum(['gb18030', 'gbk', 'ascii']).optional(),
    /** Printer: ESC/POS receipts (default), or price tags in TSPL or ZPL (Zebra). */
    language: z.enum(['escpos', 'tspl', 'zpl']).optional(),
    /**
     * Receipt printer: the command set it is switched to — ESC/POS, or a Star printer's own
     * Star Line Mode (`star-line`) or StarPRNT (`star-prnt`). Default: the model's (a Star model
     * ships in Star Line Mode or StarPRNT), else ESC/POS.
     */
    emulation: z.enum(['escpos', 'star-line', 'star-prnt']).optional(),
    /** Printer: QR codes by the printer's own command, as a raster image, or not at all. */
    qr: z.enum(['native', 'raster', 'none']).optional(),
    /** Printer: print the logo stored in the printer's NV memory under this key. */
    logo: z.number().int().min(1).max(255).optional(),
    /** Printer: cut after each receipt (default true). */
    cut: z.boolean().optional(),
    /**
     * Printer: how receipt text reaches the paper — the printer's own font (`text`) or drawn by
     * the bridge in a CJK font and sent as images (`raster`, for printers without Chinese fonts).
     */
    mode: z.enum(['text', 'raster']).optional(),
    /**
     * Printer: its model in @point-of-sale/receipt-printer-encoder's data (`epson-tm-t88vi`,
     * `xprinter-xp-n160ii`, `star-tsp100iv`, `pos-5890`, …): paper width, columns, QR support and
     * cutter come from it unless set here. Checked by the bridge when it starts.
     */
    model: z
      .string()
      .regex(/^[a-z0-9-]{1,40}$/, 'a model id such as epson-tm-t88vi')
      .refine((model) => PRINTER_MODELS.includes(model), 'not a printer model Hanger knows')
      .optional(),
    /**
     * Printer: the single-byte code page its text is printed in where it has no Chinese font
     * (`charset: ascii`), selected by the number its model's data gives (ESC t n). Default PC437.
     */
    codePage: z.enum(CODE_PAGES).optional(),
    /** Printer: ask its status (DLE EOT) before each job (default true; off for one-way printers). */
    statusCheck: z.boolean().optional(),
    /** Label printer (TSPL, ZPL): label size and gap. */
    label: z
      .object({
        widthMm: z.number().positive().max(120),
        heightMm: z.number().positive().max(200),
        gapMm: z.number().min(0).max(20).default(2),
      })
      .optional(),
    /** Pole display: the command set (default epson). */
    commandSet: z.enum(['epson', 'cd5220']).optional(),
    /** Pole display: the greeting comes back this long after the change was shown (default 20 s). */
    greetAfterMs: z.number().int().min(500).max(600_000).optional(),
    /** Drawer: the printer it is plugged into. */
    via: deviceId.optional(),
    /** Drawer: the kick-out connector pin (2 or 5). */
    pin: z.union([z.literal(2), z.literal(5)]).optional(),
  })
  .superRefine((device, issues) => {
    if (!device.transport && !(device.kind === 'drawer' && device.via)) {
      issues.addIssue({
        code: 'custom',
        path: ['transport'],
        message: 'required (only a drawer hanging off a printer, with `via`, goes without)',
      });
    }
    if (
      device.kind === 'scanner' &&
      device.transport &&
      !['serial', 'virtual'].includes(device.transport.type)
    ) {
      issues.addIssue({
        code: 'custom',
        path: ['transport', 'type'],
        message: 'a scanner is serial (a USB-CDC scanner appears as /dev/ttyACM0) or virtual',
      });
    }
  });

/** A bridge's devices: ids used once, a drawer's `via` naming one of the printers. */
export const bridgeDevicesSchema = z
  .array(bridgeDeviceSchema)
  .max(32)
  .superRefine((devices, issues) => {
    const ids = new Set<string>();
    devices.forEach((device, index) => {
      if (ids.has(device.id)) issues.addIssue({ code: 'custom', path: [index, 'id'], message: 'used twice' });
      ids.add(device.id);
      const printer = device.via ? devices.find((other) => other.id === device.via) : undefined;
      if (device.via && printer?.kind !== 'printer') {
        issues.addIssue({ code: 'custom', path: [index, 'via'], message: 'names no printer' });
      }
    });
  });

/** `data/config.json`: this machine's own settings. */
export const configSchema = z
  .object({
    /** The file's shape; `load.ts` upgrades an older file before this schema sees it. */
    version: z.literal(CONFIG_VERSION).default(CONFIG_VERSION),
    port: z.number().int().min(0).max(65535).default(8080),
    store: z
      .object({
        code: z
          .string()
          .regex(/^[A-Z0-9-]{1,16}$/, 'capital letters, digits and dashes, at most 16')
          .default('S001'),
        name: z.string().trim().min(1).max(80).default('我的服装店'),
        /** Shown on receipts and to head office in a chain. */
        address: z.string().trim().min(1).max(200).optional(),
      })
      .prefault({}),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as CNY')
      .default('CNY'),
    timeZone: z.string().refine(isTimeZone, 'not a known time zone').default('Asia/Shanghai'),
    database: z.object({ file: z.string().min(1).max(200).default('hanger.db') }).prefault({}),
    security: z
      .object({
        /** How long a staff sign-in lasts. */
        sessionHours: z
          .number()
          .positive()
          .max(24 * 30)
          .default(12),
      })
      .prefault({}),
    /** HTTPS (and wss) with a self-signed certificate made on the first start in `<data>/tls/`. */
    https: z.object({ enabled: z.boolean().default(false) }).prefault({}),
    /** Online backups into `<data>/backups` (HANGER_BACKUP_PASSPHRASE encrypts them). */
    backups: z
      .object({
        enabled: z.boolean().default(true),
        everyHours: z
          .number()
          .positive()
          .max(24 * 7)
          .default(24),
        keep: z.number().int().min(1).max(1000).default(14),
      })
      .prefault({}),
    bridge: z
      .object({
        /** The server the bridge connects to; `http://127.0.0.1:<port>` when absent. */
        serverUrl: z.url({ protocol: /^https?$/ }).optional(),
        devices: bridgeDevicesSchema.default([]),
      })
      .prefault({}),
    /**
     * Mobile payment (付款码). `off`: WeChat and Alipay stay tender labels the cashier ticks.
     * `simulator`: a local provider simulator (records in `<data>/payment-simulator/`), for
     * tests, demos and trying the till before a merchant contract.
     */
    payments: z
      .object({
        provider: z.enum(['off', 'simulator']).default('off'),
        /** How long a customer may take to confirm before the payment is cancelled. */
        confirmSeconds: z.number().int().min(10).max(300).default(30),
        /**
         * How long a customer may take to scan the display's QR code and pay before the order is
         * closed: longer than confirming a scanned code, as the customer opens the app first.
         */
        qrSeconds: z.number().int().min(30).max(900).default(120),
        /** How often a pending payment is queried. */
        queryEverySeconds: z.number().int().min(1).max(60).default(3),
      })
      .prefault({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type BridgeDevice = z.infer<typeof bridgeDeviceSchema>;

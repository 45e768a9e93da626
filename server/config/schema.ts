import { z } from 'zod';

function isTimeZone(value: string): boolean {
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
const virtualTransport = z.object({ type: z.literal('virtual') });

/** One piece of hardware the bridge drives. */
export const bridgeDeviceSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,40}$/, 'lowercase letters, digits and dashes, at most 40'),
  kind: z.enum(['scanner', 'printer', 'display', 'drawer']),
  transport: z.discriminatedUnion('type', [serialTransport, usbTransport, tcpTransport, virtualTransport]),
  /** Printer paper width. */
  paperWidth: z.union([z.literal(58), z.literal(80)]).optional(),
});

/** `data/config.json`: this machine's own settings. */
export const configSchema = z
  .object({
    port: z.number().int().min(0).max(65535).default(8080),
    store: z
      .object({
        code: z
          .string()
          .regex(/^[A-Z0-9-]{1,16}$/, 'capital letters, digits and dashes, at most 16')
          .default('S001'),
        name: z.string().trim().min(1).max(80).default('我的服装店'),
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
    bridge: z.object({ devices: z.array(bridgeDeviceSchema).max(32).default([]) }).prefault({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type BridgeDevice = z.infer<typeof bridgeDeviceSchema>;

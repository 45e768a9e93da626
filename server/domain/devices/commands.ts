import { z } from 'zod';
import { bridgeDeviceSchema } from '../../config/schema.js';
import { jobIdSchema } from '../../protocol/print-schemas.js';
import type { DevicePrincipal } from '../../protocol/roles.js';
import { command } from '../../ws/command.js';
import { assertStaff } from '../staff/sessions.js';
import { bridgeSetup, hardwareTested } from './bridge-setup.js';
import { drawerAnswered, openDrawer } from './drawer.js';
import { notePrinter, PRINTER_LANGUAGES } from './label-printers.js';
import { pendingPrintJobs, relayScan, reportPrint, reprintJob } from './printing.js';
import { listDevices } from './service.js';

const GS = String.fromCharCode(0x1d);
const hardwareId = z.string().regex(/^[a-z0-9-]{1,40}$/, 'lowercase letters, digits and dashes, at most 40');

export const devicesCommands = [
  command({
    type: 'devices/list',
    permission: 'device.manage',
    summary: 'List paired devices',
    params: z.strictObject({}),
    handle: async ({ ctx }) => ({ items: await listDevices(ctx) }),
  }),
  command({
    type: 'devices/report_status',
    permission: 'device.status.report',
    summary: "A bridge reports one of its hardware devices' status",
    params: z.strictObject({
      hardwareId,
      status: z.enum(['online', 'offline', 'paper_low', 'paper_out', 'cover_open', 'error']),
      reason: z.string().max(200).optional(),
      /** For a printer: the language it speaks (a label printer speaks TSPL or ZPL). */
      language: z.enum(PRINTER_LANGUAGES).optional(),
    }),
    handle: async ({ ctx, principal, params }) => {
      const bridge = principal as DevicePrincipal;
      notePrinter(ctx, bridge, params.hardwareId, params.language);
      ctx.bus.publish('device.status', ctx.store.id, {
        deviceId: bridge.deviceId,
        terminalId: bridge.terminalId,
        hardwareId: params.hardwareId,
        status: params.status,
        ...(params.reason !== undefined && { reason: params.reason }),
      });
      return null;
    },
  }),
  command({
    type: 'drawer/open',
    permission: 'drawer.open',
    summary: 'Open the cash drawer of this terminal without a sale',
    params: z.strictObject({
      reason: z.string().trim().min(1, 'required').max(100, 'at most 100 characters'),
    }),
    handle: ({ ctx, principal, approver, params }) => {
      assertStaff(principal);
      return openDrawer(ctx, principal, approver, params.reason);
    },
  }),
  command({
    type: 'drawer/opened',
    permission: 'device.status.report',
    summary: "A bridge's answer to drawer.open: whether the kick went out",
    params: z.strictObject({
      requestId: z.string().min(1).max(64),
      opened: z.boolean(),
      reason: z.string().max(200).optional(),
    }),
    handle: async ({ principal, params }) => {
      drawerAnswered(principal as DevicePrincipal, params.requestId, params);
      return null;
    },
  }),
  command({
    type: 'bridge/setup',
    permission: 'device.status.report',
    summary: "A bridge says what config.json gives it and hears what to drive (the page's devices, the logo)",
    // What the file held is only remembered for the page; a device the server cannot read is left out.
    params: z.strictObject({ devices: z.array(z.unknown()).max(32) }),
    handle: ({ ctx, principal, params }) =>
      bridgeSetup(
        ctx,
        principal as DevicePrincipal,
        params.devices.flatMap((device) => {
          const parsed = bridgeDeviceSchema.safeParse(device);
          return parsed.success ? [parsed.data] : [];
        }),
      ),
  }),
  command({
    type: 'hardware/tested',
    permission: 'device.status.report',
    summary: "A bridge's answer to hardware.test: what the device answered",
    params: z.strictObject({
      requestId: z.string().min(1).max(64),
      hardwareId,
      ok: z.boolean(),
      answer: z.string().max(300),
    }),
    handle: async ({ principal, params }) => {
      const { requestId, ...result } = params;
      hardwareTested(principal as DevicePrincipal, requestId, result);
      return null;
    },
  }),
  command({
    type: 'scanner/scan',
    permission: 'device.status.report',
    summary: 'A bridge relays a scan to its checkout terminal (event scanner.scan)',
    params: z.strictObject({
      hardwareId,
      code: z
        .string()
        .min(1)
        .max(512, 'at most 512 characters')
        // GS (0x1D) separates a GS1 code's variable-length fields; no other control character.
        .refine((code) => /^[^\p{Cc}]*$/u.test(code.replaceAll(GS, '')), 'no control characters but GS'),
      symbology: z
        .string()
        .regex(/^[a-z0-9_-]{1,20}$/)
        .optional(),
    }),
    handle: async ({ ctx, principal, params }) => {
      relayScan(ctx, principal as DevicePrincipal, params);
      return null;
    },
  }),
  command({
    type: 'print/pending',
    permission: 'device.status.report',
    summary: 'A bridge collects the print jobs it has not yet confirmed holding',
    params: z.strictObject({}),
    handle: async ({ ctx, principal }) => ({
      items: await pendingPrintJobs(ctx, principal as DevicePrincipal),
    }),
  }),
  command({
    type: 'print/report',
    permission: 'device.status.report',
    summary:
      'A bridge reports a print job queued, printing, printed, held, unknown or failed (event print.status)',
    params: z.strictObject({
      jobId: jobIdSchema,
      state: z.enum(['queued', 'printing', 'printed', 'held', 'unknown', 'failed']),
      reason: z.string().max(200).optional(),
      /** Times the bridge has sent the job to the printer (older bridges leave it out). */
      attempts: z.number().int().min(0).max(1_000_000).optional(),
    }),
    handle: async ({ ctx, principal, params }) => {
      await reportPrint(
        ctx,
        principal as DevicePrincipal,
        params.jobId,
        params.state,
        params.reason,
        params.attempts,
      );
      return null;
    },
  }),
  command({
    type: 'print/reprint',
    permission: 'receipt.reprint',
    summary: "Print another copy of a job this terminal's bridge printed (audited)",
    params: z.strictObject({ jobId: jobIdSchema }),
    handle: ({ ctx, principal, approver, params }) => {
      assertStaff(principal);
      return reprintJob(ctx, principal, approver, params.jobId);
    },
  }),
];

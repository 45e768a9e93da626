import { z } from 'zod';
import { PRINTER_MODELS } from '../../config/printer-models.js';
import { bridgeDevicesSchema } from '../../config/schema.js';
import { route } from '../../http/route.js';
import { jobIdSchema } from '../../protocol/print-schemas.js';
import { DEVICE_KINDS } from '../../protocol/roles.js';
import { assertStaff } from '../staff/sessions.js';
import { listBridgeHardware, saveBridgeDevices, testHardware } from './bridge-setup.js';
import { openDrawer } from './drawer.js';
import { printJobView, reprintJob } from './printing.js';
import {
  approvePairing,
  clearPendingPairings,
  listDevices,
  pollPairing,
  revokeDevice,
  startPairing,
} from './service.js';

const deviceName = z.string().trim().min(1, 'required').max(40, 'at most 40 characters');
const id = z.string().min(1).max(64);

const hardwareId = z.string().regex(/^[a-z0-9-]{1,40}$/, 'lowercase letters, digits and dashes, at most 40');

export const devicesRoutes = [
  route({
    method: 'get',
    path: '/api/devices/bridges',
    permission: 'device.manage',
    summary:
      "Every paired bridge with its devices (the page's, or config.json's as the bridge reported them)",
    handle: async ({ ctx }) => ({ items: await listBridgeHardware(ctx), models: PRINTER_MODELS }),
  }),
  route({
    method: 'put',
    path: '/api/devices/bridges/:id/devices',
    permission: 'device.manage',
    summary:
      "Set a bridge's devices (transport, paper, code page or raster, model); the bridge drives them at once",
    params: z.strictObject({ id }),
    body: z.strictObject({ devices: bridgeDevicesSchema }),
    handle: ({ ctx, params, body, principal }) => {
      assertStaff(principal);
      return saveBridgeDevices(ctx, params.id, body.devices, principal.staffId);
    },
  }),
  route({
    method: 'post',
    path: '/api/devices/bridges/:id/devices/:hardwareId/test',
    permission: 'device.manage',
    summary:
      '测试打印: the bridge prints a sample receipt (or tag, or greeting) and says what the device answered',
    params: z.strictObject({ id, hardwareId }),
    handle: ({ ctx, params, principal }) => {
      assertStaff(principal);
      return testHardware(ctx, params.id, params.hardwareId, principal.staffId);
    },
  }),
  route({
    method: 'post',
    path: '/api/devices/pairings',
    limit: 'pairing',
    permission: 'public',
    summary: 'A device asks to be paired and gets a code to show',
    status: 201,
    body: z.strictObject({ kind: z.enum(DEVICE_KINDS), name: deviceName }),
    handle: ({ ctx, body, address }) => startPairing(ctx, body.kind, body.name, address),
  }),
  route({
    method: 'delete',
    path: '/api/devices/pairings',
    permission: 'device.manage',
    summary: 'Clear every pairing still waiting (a flood of requests); their devices start again',
    handle: ({ ctx, principal }) => {
      assertStaff(principal);
      return clearPendingPairings(ctx, principal.staffId);
    },
  }),
  route({
    method: 'post',
    path: '/api/devices/pairings/:id/claim',
    limit: 'claim',
    permission: 'public',
    summary: 'The device polls with its secret; once approved it receives its token, once',
    params: z.object({ id }),
    body: z.strictObject({ secret: z.string().min(1).max(100) }),
    handle: ({ ctx, params, body }) => pollPairing(ctx, params.id, body.secret),
  }),
  route({
    method: 'post',
    path: '/api/devices',
    permission: 'device.manage',
    summary: 'The owner pairs the device showing this code',
    status: 201,
    body: z.strictObject({
      code: z.string().regex(/^\d{6}$/, '6 digits'),
      name: deviceName.optional(),
      terminalId: id.optional(),
    }),
    handle: ({ ctx, body, principal }) => {
      assertStaff(principal);
      return approvePairing(ctx, body.code, principal.staffId, body);
    },
  }),
  route({
    method: 'get',
    path: '/api/devices',
    permission: 'device.manage',
    summary: 'List paired devices, revoked ones included',
    handle: async ({ ctx }) => ({ items: await listDevices(ctx) }),
  }),
  route({
    method: 'post',
    path: '/api/devices/:id/revoke',
    permission: 'device.manage',
    summary: 'Revoke a device: its token stops working at once',
    params: z.object({ id }),
    handle: ({ ctx, params, principal }) => {
      assertStaff(principal);
      return revokeDevice(ctx, params.id, principal.staffId);
    },
  }),
  route({
    method: 'post',
    path: '/api/drawer/open',
    permission: 'drawer.open',
    summary: 'Open the cash drawer of this terminal without a sale (a cashier needs approval)',
    body: z.strictObject({ reason: z.string().trim().min(1, 'required').max(100, 'at most 100 characters') }),
    handle: ({ ctx, body, principal, approver }) => {
      assertStaff(principal);
      return openDrawer(ctx, principal, approver, body.reason);
    },
  }),
  route({
    method: 'get',
    path: '/api/print/jobs/:id',
    permission: 'device.status.read',
    summary:
      "Where a print job is: printed only once the printer confirmed it (a cashier: this terminal's jobs)",
    params: z.object({ id: jobIdSchema }),
    handle: ({ ctx, params, principal }) => {
      assertStaff(principal);
      return printJobView(ctx, principal, params.id);
    },
  }),
  route({
    method: 'post',
    path: '/api/print/jobs/:id/reprint',
    permission: 'receipt.reprint',
    summary: "Print another copy of a job this terminal's bridge printed (audited)",
    params: z.object({ id: jobIdSchema }),
    handle: ({ ctx, params, principal, approver }) => {
      assertStaff(principal);
      return reprintJob(ctx, principal, approver, params.id);
    },
  }),
];

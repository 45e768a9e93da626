import { z } from 'zod';
import type { DevicePrincipal } from '../../protocol/roles.js';
import { command } from '../../ws/command.js';
import { assertStaff } from '../staff/sessions.js';
import { openDrawer } from './drawer.js';
import { listDevices } from './service.js';

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
      hardwareId: z.string().regex(/^[a-z0-9-]{1,40}$/, 'lowercase letters, digits and dashes, at most 40'),
      status: z.enum(['online', 'offline', 'paper_low', 'paper_out', 'cover_open', 'error']),
      reason: z.string().max(200).optional(),
    }),
    handle: async ({ ctx, principal, params }) => {
      const bridge = principal as DevicePrincipal;
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
];

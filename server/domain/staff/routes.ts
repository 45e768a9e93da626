import { route } from '../../http/route.js';
import type { DevicePrincipal, Principal } from '../../protocol/roles.js';
import type { StaffList } from '../../protocol/staff.js';
import { loginBody, newStaffBody, pinLoginBody, staffChangesBody, staffParams } from './schemas.js';
import { createStaff, listStaff, unlockStaff, updateStaff } from './service.js';
import { assertStaff, login, logout, pinLogin } from './sessions.js';
import { storeList } from './stores.js';

export const staffRoutes = [
  route({
    method: 'post',
    path: '/api/auth/login',
    permission: 'public',
    limit: 'login',
    summary: 'Sign in with username and password',
    body: loginBody,
    handle: ({ ctx, body, address }) => login(ctx, body.username, body.password, address),
  }),
  route({
    method: 'post',
    path: '/api/auth/pin',
    permission: 'session.pin_login',
    limit: 'pin',
    summary: 'Sign a staff member in with a PIN on this paired checkout terminal',
    body: pinLoginBody,
    handle: ({ ctx, body, principal, address }) =>
      pinLogin(ctx, principal as DevicePrincipal, body.username, body.pin, address),
  }),
  route({
    method: 'post',
    path: '/api/auth/logout',
    permission: 'session.self',
    summary: 'End this staff session',
    handle: async ({ ctx, principal }) => {
      assertStaff(principal);
      await logout(ctx, principal);
    },
  }),
  route({
    method: 'get',
    path: '/api/auth/me',
    permission: 'session.self',
    summary: 'Who this token belongs to',
    handle: async ({ principal }) => ({ principal }),
  }),
  route({
    method: 'get',
    path: '/api/stores',
    permission: 'stock.read',
    summary: "The chain's stores, and whether the caller is head office and reads every store",
    handle: ({ ctx, principal }) => storeList(ctx, principal as Principal),
  }),
  route({
    method: 'get',
    path: '/api/staff',
    permission: 'staff.read',
    summary: 'List staff',
    handle: async ({ ctx }): Promise<StaffList> => ({ items: await listStaff(ctx) }),
  }),
  route({
    method: 'post',
    path: '/api/staff',
    permission: 'staff.manage',
    summary: 'Add a staff member',
    status: 201,
    body: newStaffBody,
    handle: ({ ctx, body, principal }) => {
      assertStaff(principal);
      return createStaff(ctx, body, principal.staffId);
    },
  }),
  route({
    method: 'patch',
    path: '/api/staff/:id',
    permission: 'staff.manage',
    summary: 'Change name, role, chain-wide, password or PIN; disable or enable',
    params: staffParams,
    body: staffChangesBody,
    handle: ({ ctx, params, body, principal }) => {
      assertStaff(principal);
      return updateStaff(ctx, params.id, body, principal.staffId);
    },
  }),
  route({
    method: 'post',
    path: '/api/staff/:id/unlock',
    permission: 'staff.manage',
    summary: 'Lift a lockout after too many wrong passwords or PINs',
    params: staffParams,
    handle: ({ ctx, params, principal }) => {
      assertStaff(principal);
      return unlockStaff(ctx, params.id, principal.staffId);
    },
  }),
];

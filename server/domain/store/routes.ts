import { route } from '../../http/route.js';
import { assertStaff } from '../staff/sessions.js';
import { saveStoreIdentity, storeIdentity, storeIdentityBody } from './identity.js';

export const storeRoutes = [
  route({
    method: 'get',
    path: '/api/store',
    permission: 'sale.read',
    summary: "The store's code, name, time zone and currency",
    handle: async ({ ctx }) => storeIdentity(ctx),
  }),
  route({
    method: 'put',
    path: '/api/store',
    permission: 'store.settings',
    summary: 'Rename the store or change its time zone (config.json; live without a restart)',
    body: storeIdentityBody,
    handle: ({ ctx, body, principal }) => {
      assertStaff(principal);
      return saveStoreIdentity(ctx, body, principal.staffId);
    },
  }),
];

import { z } from 'zod';
import { STAFF_ROLES } from '../../protocol/roles.js';

export const username = z
  .string()
  .regex(/^[a-z0-9_.-]{2,40}$/, '2–40 lowercase letters, digits, dot, dash or underscore');
export const password = z.string().min(8, 'at least 8 characters').max(128, 'at most 128 characters');
export const pin = z.string().regex(/^\d{4,6}$/, '4–6 digits');
export const staffName = z.string().trim().min(1, 'required').max(40, 'at most 40 characters');
export const staffId = z.string().min(1).max(64);

export const loginBody = z.strictObject({
  username: z.string().min(1).max(40),
  password: z.string().min(1).max(128),
});
export const pinLoginBody = z.strictObject({ username: z.string().min(1).max(40), pin });
export const newStaffBody = z.strictObject({
  username,
  name: staffName,
  role: z.enum(STAFF_ROLES),
  password,
  pin: pin.optional(),
  chainWide: z.boolean().optional(),
});
export const staffChangesBody = z
  .strictObject({
    name: staffName.optional(),
    role: z.enum(STAFF_ROLES).optional(),
    active: z.boolean().optional(),
    chainWide: z.boolean().optional(),
    password: password.optional(),
    pin: pin.nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'nothing to change');
export const staffParams = z.object({ id: staffId });

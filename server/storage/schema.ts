import type { Generated, Selectable } from 'kysely';

/** The tables, as Kysely sees them. Columns are snake_case; the wire is camelCase. */
export interface Database {
  schema_version: SchemaVersionTable;
  stores: StoreTable;
  staff: StaffTable;
  staff_sessions: StaffSessionTable;
  devices: DeviceTable;
  device_pairings: DevicePairingTable;
  audit_log: AuditLogTable;
}

export interface SchemaVersionTable {
  version: number;
  name: string;
  applied_at: string;
}

export interface StoreTable {
  id: string;
  code: string;
  name: string;
  currency: string;
  time_zone: string;
  created_at: string;
}

export interface StaffTable {
  id: string;
  store_id: string;
  username: string;
  name: string;
  role: string;
  password_hash: string | null;
  pin_hash: string | null;
  active: number;
  failed_attempts: Generated<number>;
  locked_until: string | null;
  created_at: string;
  updated_at: string;
}

/** A staff row as read back. */
export type StaffRow = Selectable<StaffTable>;

export interface StaffSessionTable {
  id: string;
  store_id: string;
  staff_id: string;
  token_hash: string;
  device_id: string | null;
  method: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
}

export interface DeviceTable {
  id: string;
  store_id: string;
  kind: string;
  name: string;
  /** Null until the device has collected its token after the owner paired it. */
  token_hash: string | null;
  terminal_id: string | null;
  paired_by: string;
  paired_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
  last_seen_at: string | null;
}

export interface DevicePairingTable {
  id: string;
  store_id: string;
  kind: string;
  name: string;
  code: string;
  secret_hash: string;
  status: string;
  device_id: string | null;
  created_at: string;
  expires_at: string;
}

export interface AuditLogTable {
  id: string;
  store_id: string;
  at: string;
  kind: string;
  staff_id: string | null;
  approver_id: string | null;
  device_id: string | null;
  subject_type: string | null;
  subject_id: string | null;
  detail: string;
}

import type { z } from 'zod';
import type { AppContext } from '../context.js';
import type { ApprovalRequest, Approver } from '../domain/staff/approval.js';
import type { Permission } from '../domain/staff/permissions.js';
import type { Principal } from '../protocol/roles.js';

export interface CommandCall<P> {
  ctx: AppContext;
  principal: Principal;
  approver: Approver | null;
  /**
   * The approval sent with the request, unchecked: for commands that do more when a colleague
   * approves (a cashier seeing full phones), while the command itself needs no approval.
   */
  approval?: ApprovalRequest | null;
  params: P;
}

/** A WebSocket command: a thin adapter over a domain service, like an HTTP route. */
export interface CommandSpec<P = unknown> {
  type: string;
  permission: Permission;
  summary: string;
  params: z.ZodType<P>;
  handle(call: CommandCall<P>): Promise<unknown>;
}

export function command<P>(spec: CommandSpec<P>): CommandSpec {
  return spec as unknown as CommandSpec;
}

import type { z } from 'zod';
import type { AppContext } from '../context.js';
import type { ApprovalRequest, Approver } from '../domain/staff/approval.js';
import type { Permission } from '../domain/staff/permissions.js';
import type { CommandParams, CommandResult, CommandType } from '../protocol/commands.js';
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

/** True when A and B are each assignable to the other. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * What a schema must be to take a command's parameters as `protocol/commands.ts` declares them:
 * the same fields, everything the map allows accepted, and nothing out of it but what the map
 * allows. A schema that disagrees makes `params` require this marker, which names both sides.
 */
type MatchesMap<K extends CommandType, S extends z.ZodType> =
  Same<keyof CommandParams<K>, keyof z.input<S>> extends true
    ? [CommandParams<K>] extends [z.input<S>]
      ? [z.output<S>] extends [CommandParams<K>]
        ? unknown
        : { paramsDisagreeWithTheMap: { map: CommandParams<K>; schemaOutput: z.output<S> } }
      : { paramsDisagreeWithTheMap: { map: CommandParams<K>; schemaInput: z.input<S> } }
    : { paramsDisagreeWithTheMap: { mapFields: keyof CommandParams<K>; schemaFields: keyof z.input<S> } };

/**
 * Declares a command of the map in `protocol/commands.ts`: its type must be one of the map's, its
 * params schema must take the map's params, and its handler must answer the map's result.
 */
export function command<K extends CommandType, S extends z.ZodType>(spec: {
  type: K;
  permission: Permission;
  summary: string;
  params: S & MatchesMap<K, S>;
  handle(call: CommandCall<z.output<S>>): Promise<CommandResult<K>>;
}): CommandSpec {
  return spec as unknown as CommandSpec;
}

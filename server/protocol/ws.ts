import type { ErrorBody } from './errors.js';
import type { EventType, StoreEvent } from './events.js';
import type { Principal } from './roles.js';

/** The protocol's schema versions this server speaks. A client names the one it uses. */
export const MIN_SCHEMA = 1;
export const MAX_SCHEMA = 1;

/** WebSocket close codes. */
export const CLOSE = {
  /** Bad, expired or revoked token; or a device/staff member revoked while connected. */
  unauthorized: 4401,
  /** The client asked for a schema this server does not speak. */
  schemaUnsupported: 4406,
  /** No auth message in time. */
  authTimeout: 4408,
  goingAway: 1001,
  /** The client sent frames faster than any screen does. */
  policyViolation: 1008,
} as const;

export interface HelloMessage {
  type: 'hello';
  version: string;
  minSchema: number;
  maxSchema: number;
}

export interface AuthMessage {
  type: 'auth';
  token: string;
  schema?: number;
}

export interface AuthOkMessage {
  type: 'auth_ok';
  schema: number;
  principal: Principal;
}

export interface AuthInvalidMessage {
  type: 'auth_invalid';
  message: string;
}

/** Any request: an id the client picks (positive integer) and a type; the rest are params. */
export interface RequestMessage {
  id: number;
  type: string;
  /** A colleague's PIN approving what the signed-in staff member may not do alone. */
  approval?: { username: string; pin: string };
  [param: string]: unknown;
}

export interface SubscribeMessage {
  id: number;
  type: 'subscribe';
  topic: EventType;
}

export interface UnsubscribeMessage {
  id: number;
  type: 'unsubscribe';
  /** The id of the subscribe request. */
  subscription: number;
}

export type ResultMessage =
  | { id: number | null; type: 'result'; success: true; result: unknown }
  | { id: number | null; type: 'result'; success: false; error: ErrorBody };

export interface EventMessage {
  /** The id of the subscribe request this event answers. */
  id: number;
  type: 'event';
  event: StoreEvent;
}

export interface PongMessage {
  id: number;
  type: 'pong';
}

export type ServerMessage =
  | HelloMessage
  | AuthOkMessage
  | AuthInvalidMessage
  | ResultMessage
  | EventMessage
  | PongMessage;

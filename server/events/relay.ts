import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { AppContext } from '../context.js';
import type { EventType, StoreEvent } from '../protocol/events.js';

/** The PostgreSQL channel the store servers of a chain tell each other on. */
const CHANNEL = 'hanger_events';
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes and more. */
const MAX_PAYLOAD = 7900;

/**
 * Events about what the whole chain shares — members, tiers and stock a kiosk shows for
 * every store — reach the other store servers on the same PostgreSQL: each is sent with
 * NOTIFY after its transaction committed, and each server republishes what the others sent
 * on its own bus, where the topics' rules decide which screens see it.
 */
export const CHAIN_EVENTS: ReadonlySet<EventType> = new Set([
  'member.changed',
  'tier.changed',
  'stock.changed',
]);

interface Notice {
  origin: string;
  event: StoreEvent;
}

/** Starts relaying (PostgreSQL only). Returns the function that stops it. */
export function startEventRelay(ctx: AppContext): () => Promise<void> {
  const pool = ctx.storage.pool;
  if (!pool) return async () => undefined;
  const origin = randomUUID();
  const fromElsewhere = new WeakSet<StoreEvent>();
  let stopped = false;
  let listener: pg.PoolClient | null = null;
  let retry: NodeJS.Timeout | undefined;

  const stopSending = ctx.bus.listen((event) => {
    if (stopped || fromElsewhere.has(event) || !CHAIN_EVENTS.has(event.type)) return;
    const payload = JSON.stringify({ origin, event } satisfies Notice);
    if (Buffer.byteLength(payload) > MAX_PAYLOAD) {
      ctx.log.warn({ type: event.type }, 'event too large to relay to the other stores');
      return;
    }
    pool.query('select pg_notify($1, $2)', [CHANNEL, payload]).catch((error: Error) => {
      ctx.log.warn({ err: error.message, type: event.type }, 'could not relay an event to the other stores');
    });
  });

  const listen = async () => {
    try {
      const client = await pool.connect();
      if (stopped) {
        client.release();
        return;
      }
      listener = client;
      client.on('notification', (message) => {
        if (message.channel !== CHANNEL || !message.payload) return;
        let notice: Notice;
        try {
          notice = JSON.parse(message.payload) as Notice;
        } catch {
          return;
        }
        if (notice.origin === origin || !CHAIN_EVENTS.has(notice.event?.type)) return;
        fromElsewhere.add(notice.event);
        ctx.bus.deliver(notice.event);
      });
      client.on('error', () => {
        // A broken connection may report more than one error; it goes back to the pool once.
        if (listener !== client) return;
        listener = null;
        client.release(true);
        if (!stopped) retry = setTimeout(() => void listen(), 1000);
      });
      await client.query(`listen ${CHANNEL}`);
    } catch (error) {
      ctx.log.warn({ err: (error as Error).message }, 'cannot listen for the other stores’ events; retrying');
      const failed = listener;
      if (failed) {
        listener = null;
        failed.release(true);
      }
      if (!stopped) retry = setTimeout(() => void listen(), 1000);
    }
  };
  const started = listen();

  return async () => {
    stopped = true;
    clearTimeout(retry);
    stopSending();
    await started;
    const client = listener;
    if (client) {
      listener = null;
      await client.query(`unlisten ${CHANNEL}`).catch(() => undefined);
      client.release();
    }
  };
}

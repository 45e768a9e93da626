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
 * every store — reach the other store servers on the same PostgreSQL: sent with NOTIFY after
 * their transaction committed, and each server republishes what the others sent on its own
 * bus, where the topics' rules decide which screens see it. The events one action publishes
 * (a sale's member and each of its SKUs) go as one notification: each NOTIFY is a transaction
 * of its own at head office, with its commit.
 */
export const CHAIN_EVENTS: ReadonlySet<EventType> = new Set([
  'member.changed',
  'tier.changed',
  'stock.changed',
]);

interface Notice {
  origin: string;
  events: StoreEvent[];
}

/** `events` as notices of at most `MAX_PAYLOAD` bytes each; an event too large for one alone is left out. */
function noticesOf(
  origin: string,
  events: readonly StoreEvent[],
  tooLarge: (event: StoreEvent) => void,
): string[] {
  const notices: string[] = [];
  let batch: StoreEvent[] = [];
  const payload = (list: StoreEvent[]) => JSON.stringify({ origin, events: list } satisfies Notice);
  for (const event of events) {
    if (Buffer.byteLength(payload([event])) > MAX_PAYLOAD) {
      tooLarge(event);
      continue;
    }
    if (batch.length > 0 && Buffer.byteLength(payload([...batch, event])) > MAX_PAYLOAD) {
      notices.push(payload(batch));
      batch = [];
    }
    batch.push(event);
  }
  if (batch.length > 0) notices.push(payload(batch));
  return notices;
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

  // An action's events are published together, after its commit: gathered until the next turn.
  let gathered: StoreEvent[] = [];
  const send = () => {
    const events = gathered;
    gathered = [];
    const tooLarge = (event: StoreEvent) =>
      ctx.log.warn({ type: event.type }, 'event too large to relay to the other stores');
    for (const notice of noticesOf(origin, events, tooLarge)) {
      pool.query('select pg_notify($1, $2)', [CHANNEL, notice]).catch((error: Error) => {
        ctx.log.warn({ err: error.message }, 'could not relay events to the other stores');
      });
    }
  };
  const stopSending = ctx.bus.listen((event) => {
    if (stopped || fromElsewhere.has(event) || !CHAIN_EVENTS.has(event.type)) return;
    if (gathered.length === 0) setImmediate(send);
    gathered.push(event);
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
        if (notice.origin === origin || !Array.isArray(notice.events)) return;
        for (const event of notice.events) {
          if (!CHAIN_EVENTS.has(event?.type)) continue;
          fromElsewhere.add(event);
          ctx.bus.deliver(event);
        }
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

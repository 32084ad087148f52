// The subscription edge of the outbox: a subscriber's stream of a topic's payloads, each event
// once. The relay delivers at least once (a publish retried after a lost answer may arrive twice),
// so each subscription remembers the ids it has passed on, the most recent ones only.
// Live delivery alone can miss an event: one published while this process's Redis connection
// reconnects, or while the gateway's socket to this subgraph does (the gateway then subscribes
// again). So a stream with a catch-up source also reads the outbox itself (published rows stay
// for the replay window, relay.ts): at once from `since` (the gateway's first subscription time,
// kept across its re-subscriptions), then every catchUpMs over the last CATCH_UP_MARGIN_MS;
// what it finds that it has not passed on yet it passes on. Each event passed on is named in the
// stream's cursor (`current`), which the subgraph puts on the result (extensions.eventId) so the
// gateway drops the repeats a re-subscription brings.
import type { PubSub } from '../pubsub';
import type { EventEnvelope } from './types';

/** Ids remembered per subscription: repeats arrive within a retry or two, far inside this window. */
export const DEFAULT_REMEMBERED_EVENT_IDS = 2_000;
/** How often a stream reads the outbox for events live delivery missed. */
export const DEFAULT_CATCH_UP_MS = 2_000;
/** Each catch-up reads rows from this long before the previous one began: a transaction commits after its rows' created_at. */
export const CATCH_UP_MARGIN_MS = 10_000;
/** Farthest back a re-subscription catches up (published rows are kept longer, relay.ts). */
export const MAX_CATCH_UP_MS = 5 * 60_000;

/** The outbox rows of a topic created at or after `from`, as envelopes in publish order. */
export type CatchUpSource = (topic: string, from: Date) => Promise<EventEnvelope[]>;

/** Which event the stream passed on last (read by the subgraph's graphql-ws server, shared/server/subscriptions.ts). */
export interface EventCursor {
  /** Catch up from here (ms since the epoch): the gateway's first subscription to this stream. */
  since: number | null;
  current: string | null;
}

export interface SubscribeOptions {
  catchUp?: CatchUpSource;
  cursor?: EventCursor;
  catchUpMs?: number;
  remember?: number;
}

/** Reads events from the outbox (raw SQL through any Prisma-like client). */
export function outboxCatchUp(query: <T>(sql: string, ...values: unknown[]) => Promise<T>): CatchUpSource {
  return async (topic, from) => {
    const rows = await query<{ id: string; payload: unknown }[]>(
      `SELECT e.value->>'id' AS id, e.value->'payload' AS payload
         FROM patient_graph.event_outbox AS o CROSS JOIN LATERAL jsonb_array_elements(o.events) AS e
        WHERE o.created_at >= $1::timestamptz AND e.value->>'topic' = $2
        ORDER BY o.seq`,
      from.toISOString(),
      topic,
    );
    return rows.map((row) => ({ eventId: row.id, payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload }));
  };
}

export function dedupeEvents<T>(source: AsyncIterableIterator<EventEnvelope<T>>, options: number | SubscribeOptions & { topic?: string } = {}): AsyncIterableIterator<T> {
  const { remember = DEFAULT_REMEMBERED_EVENT_IDS, catchUp, cursor, catchUpMs = DEFAULT_CATCH_UP_MS, topic } = typeof options === 'number' ? { remember: options } : options;
  const seen = new Set<string>();
  const buffered: EventEnvelope<T>[] = [];
  let wake: (() => void) | null = null;
  let done = false;
  let liveDone = false;
  let liveError: unknown = null;
  const notify = () => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };

  // Live events, pumped into the buffer.
  void (async () => {
    try {
      for (;;) {
        const step = await source.next();
        if (step.done) break;
        buffered.push(step.value);
        notify();
      }
    } catch (error) {
      liveError = error;
    }
    liveDone = true;
    notify();
  })();

  // Catch-up: at once from the cursor's `since`, then regularly over the recent past.
  let timer: NodeJS.Timeout | null = null;
  if (catchUp && topic) {
    const openedAt = Date.now();
    const floor = Math.max(openedAt - MAX_CATCH_UP_MS, cursor?.since ?? openedAt);
    let from = floor;
    const read = async () => {
      const startedAt = Date.now();
      try {
        const found = await catchUp(topic, new Date(from));
        from = Math.max(floor, startedAt - CATCH_UP_MARGIN_MS);
        const fresh = found.filter((event) => !seen.has(event.eventId)) as EventEnvelope<T>[];
        if (fresh.length) {
          buffered.push(...fresh);
          notify();
        }
      } catch {
        // The database is unreachable: the next catch-up reads the same span again.
      }
      if (!done) timer = setTimeout(read, catchUpMs).unref();
    };
    void read();
  }

  const finish = async () => {
    done = true;
    if (timer) clearTimeout(timer);
    notify();
    await source.return?.();
  };

  return {
    async next(): Promise<IteratorResult<T>> {
      for (;;) {
        if (done) return { value: undefined, done: true };
        const event = buffered.shift();
        if (event) {
          if (seen.has(event.eventId)) continue;
          seen.add(event.eventId);
          if (seen.size > remember) seen.delete(seen.values().next().value!);
          if (cursor) cursor.current = event.eventId;
          return { value: event.payload, done: false };
        }
        if (liveDone) {
          await finish();
          if (liveError) throw liveError;
          return { value: undefined, done: true };
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    async return(): Promise<IteratorResult<T>> {
      await finish();
      return { value: undefined, done: true };
    },
    async throw(error): Promise<IteratorResult<T>> {
      await finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** The payloads of the events published on `topic` through the outbox, each event once (caught up from the outbox when `options.catchUp` is given). */
export function subscribeEvents<T>(pubsub: PubSub, topic: string, options: SubscribeOptions = {}): AsyncIterableIterator<T> {
  return dedupeEvents(pubsub.subscribe<EventEnvelope<T>>(topic), { ...options, topic });
}

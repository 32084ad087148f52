// The subscription edge of the outbox: a subscriber's stream of a topic's payloads, each event
// once. The relay delivers at least once (a publish retried after a lost answer may arrive twice),
// so each subscription remembers the ids it has passed on, the most recent ones only.
// Live delivery alone can miss an event: one published while this process's Redis connection
// reconnects, or while the gateway's socket to this subgraph does (the gateway then subscribes
// again). So a stream with a catch-up source also reads the outbox itself (published rows stay
// for the replay window, relay.ts): at once from `since` when that is a re-subscription (the
// gateway's first subscription time, kept across its re-subscriptions), then every catchUpMs over
// the last CATCH_UP_MARGIN_MS, in one read per topic per process shared by its streams; what a
// stream finds that it has not passed on yet (and that is not older than its start) it passes on. Each event passed on is named in the
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

/** An event read back from the outbox, with its row's creation time (ms since the epoch). */
export interface TimedEnvelope extends EventEnvelope {
  at: number;
}
/** The outbox rows of a topic created at or after `from`, as envelopes in publish order. */
export type CatchUpSource = (topic: string, from: Date) => Promise<TimedEnvelope[]>;

interface TopicPoll {
  readers: Set<(found: TimedEnvelope[]) => void>;
  timer: NodeJS.Timeout;
}
/** One catch-up read per topic per process, shared by every stream of that topic. */
const polls = new Map<string, TopicPoll>();

function joinTopicPoll(topic: string, catchUp: CatchUpSource, everyMs: number, reader: (found: TimedEnvelope[]) => void): () => void {
  let poll = polls.get(topic);
  if (!poll) {
    let from = Date.now() - CATCH_UP_MARGIN_MS;
    const created: TopicPoll = {
      readers: new Set(),
      timer: setInterval(() => {
        const startedAt = Date.now();
        void catchUp(topic, new Date(from)).then(
          (found) => {
            from = startedAt - CATCH_UP_MARGIN_MS;
            for (const read of created.readers) read(found);
          },
          () => {
            // The database is unreachable: the next read covers the same span again.
          },
        );
      }, everyMs),
    };
    created.timer.unref();
    polls.set(topic, created);
    poll = created;
  }
  poll.readers.add(reader);
  return () => {
    const current = polls.get(topic);
    if (!current) return;
    current.readers.delete(reader);
    if (current.readers.size === 0) {
      clearInterval(current.timer);
      polls.delete(topic);
    }
  };
}

/** Which event the stream passed on last (read by the subgraph's graphql-ws server, shared/server/subscriptions.ts). */
export interface EventCursor {
  /** Catch up from here (ms since the epoch): the gateway's first subscription to this stream. */
  since: number | null;
  current: string | null;
  /** When the event passed on last was published (EventEnvelope.publishedAt), if it came live. */
  publishedAt?: number | null;
  /** The event named `id` did not reach the subscriber (its execution failed): a later catch-up passes it on again. */
  forget?(id: string): void;
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
    const rows = await query<{ id: string; payload: unknown; at: Date | string }[]>(
      `SELECT e.value->>'id' AS id, e.value->'payload' AS payload, o.created_at AS at
         FROM patient_graph.event_outbox AS o CROSS JOIN LATERAL jsonb_array_elements(o.events) AS e
        WHERE o.created_at >= $1::timestamptz AND e.value->>'topic' = $2
        ORDER BY o.seq`,
      from.toISOString(),
      topic,
    );
    return rows.map((row) => ({ eventId: row.id, payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload, at: new Date(row.at).getTime() }));
  };
}

export function dedupeEvents<T>(source: AsyncIterableIterator<EventEnvelope<T>>, options: number | SubscribeOptions & { topic?: string } = {}): AsyncIterableIterator<T> {
  const { remember = DEFAULT_REMEMBERED_EVENT_IDS, catchUp, cursor, catchUpMs = DEFAULT_CATCH_UP_MS, topic } = typeof options === 'number' ? { remember: options } : options;
  const seen = new Set<string>();
  if (cursor) cursor.forget = (id) => void seen.delete(id);
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

  // Catch-up: at once from the cursor's `since` when it is a re-subscription, then with the
  // other streams of the topic in this process (one shared read every catchUpMs).
  const receive = (found: TimedEnvelope[]) => {
    const fresh = found.filter((event) => event.at >= floor && !seen.has(event.eventId));
    if (fresh.length) {
      buffered.push(...(fresh as EventEnvelope<T>[]));
      notify();
    }
  };
  const openedAt = Date.now();
  const floor = Math.max(openedAt - MAX_CATCH_UP_MS, cursor?.since ?? openedAt);
  let leave: (() => void) | null = null;
  if (catchUp && topic) {
    if (openedAt - floor > CATCH_UP_MARGIN_MS) void catchUp(topic, new Date(floor)).then(receive, () => {});
    leave = joinTopicPoll(topic, catchUp, catchUpMs, receive);
  }

  const finish = async () => {
    done = true;
    leave?.();
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
          if (cursor) {
            cursor.current = event.eventId;
            cursor.publishedAt = event.publishedAt ?? null;
          }
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

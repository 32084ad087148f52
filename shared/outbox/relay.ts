// The outbox relay: publishes committed outbox rows and marks each published once all its events
// are out; published rows stay for the replay window (subscribe.ts reads them for subscribers
// that missed events while a socket or Redis reconnected), then the relay deletes them.
// One runs in every process that writes events. A row committed in this process is handed to it
// (wake.ts) and published at once, without being read back, when nothing is waiting for a retry;
// every other row (another process's, one whose direct publish failed) is found by a pass, woken
// or polled. A pass claims rows with a lease (FOR UPDATE SKIP
// LOCKED, so replicas never claim the same row at once), publishes their events in row order,
// and on a failure (Redis down) leaves the row for a retry with a doubling backoff, forever:
// delivery is at least once, and subscribers drop repeats by event id (subscribe.ts). A relay
// that dies holding a lease only delays its rows until the lease passes. Its SQL goes through
// the raw runner, outside any request's scope: background work never counts as a request's
// statements (shared/observability/request-sql.ts).
import { AsyncResource } from 'node:async_hooks';
import type { SqlRunner } from '../db/database';
import type { Logger } from '../logger';
import type { PubSub } from '../pubsub';
import { DEFAULT_OUTBOX_MAX_BACKOFF_MS, DEFAULT_OUTBOX_POLL_MS } from '../config/settings';
import type { EventEnvelope, OutboxEvent } from './types';
import { onWake, type CommittedRow } from './wake';

/** Rows claimed per pass (a pass claims again at once while it finds full batches). */
export const DEFAULT_RELAY_BATCH_ROWS = 50;
/** How long a claim holds a row from other relays: longer than any publish of a batch can take. */
export const DEFAULT_RELAY_LEASE_MS = 30_000;
/** A publish that has not answered by then counts as failed (the row is retried). */
export const DEFAULT_PUBLISH_TIMEOUT_MS = 5_000;
/** The first retry's wait after a failed publish; it doubles up to maxBackoffMs. */
export const DEFAULT_FIRST_BACKOFF_MS = 100;
/** How long published rows are kept for subscribers catching up (subscribe.ts's window is far shorter). */
export const DEFAULT_EVENT_RETENTION_MS = 10 * 60_000;
/** How often a relay deletes rows older than the retention. */
export const DEFAULT_EVENT_PRUNE_INTERVAL_MS = 60_000;

export interface OutboxRelayOptions {
  /** The database as the application's role (Database.sql). */
  sql: SqlRunner;
  pubsub: PubSub;
  log: Logger;
  /** How often to look for rows nobody woke us for (default DEFAULT_OUTBOX_POLL_MS). */
  pollMs?: number;
  /** Longest wait between retries of a row (default DEFAULT_OUTBOX_MAX_BACKOFF_MS). */
  maxBackoffMs?: number;
  batchRows?: number;
  leaseMs?: number;
  publishTimeoutMs?: number;
}

interface ClaimedRow {
  id: string;
  /** bigint as text (its order is the publish order). */
  seq: string;
  events: OutboxEvent[] | string;
  attempts: number;
}

export interface OutboxRelay {
  /** Runs a pass now (and again if rows are committed meanwhile). */
  kick(): void;
  /** Resolves when a pass finds nothing left that it may publish now (tests). */
  drained(): Promise<void>;
  stop(): Promise<void>;
}

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error) => (clearTimeout(timer), reject(error)),
    );
  });

export function backoffMs(attempts: number, maxMs: number): number {
  return Math.min(maxMs, DEFAULT_FIRST_BACKOFF_MS * 2 ** Math.max(0, Math.min(attempts - 1, 20)));
}

export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { sql, pubsub, log } = options;
  const pollMs = options.pollMs ?? DEFAULT_OUTBOX_POLL_MS;
  const maxBackoffMs = options.maxBackoffMs ?? DEFAULT_OUTBOX_MAX_BACKOFF_MS;
  const batchRows = options.batchRows ?? DEFAULT_RELAY_BATCH_ROWS;
  const leaseMs = options.leaseMs ?? DEFAULT_RELAY_LEASE_MS;
  const publishTimeoutMs = options.publishTimeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS;
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let idleWaiters: (() => void)[] = [];
  // Passes run in the relay's own async scope, not in that of the request whose commit woke it.
  const scope = new AsyncResource('outbox-relay');

  let nextPrune = 0;
  /** Deletes rows published longer ago than the retention (at most once per interval). */
  const prune = async () => {
    if (Date.now() < nextPrune) return;
    nextPrune = Date.now() + DEFAULT_EVENT_PRUNE_INTERVAL_MS;
    await sql.query('DELETE FROM "patient_graph"."event_outbox" WHERE published_at < now() - make_interval(secs => $1::float8)', [DEFAULT_EVENT_RETENTION_MS / 1000]);
  };

  const claim = async (): Promise<ClaimedRow[]> => {
    const rows = await sql.query<ClaimedRow>(
      `UPDATE "patient_graph"."event_outbox" SET locked_until = now() + make_interval(secs => $1::float8), attempts = attempts + 1
       WHERE id IN (
         SELECT id FROM "patient_graph"."event_outbox"
         WHERE published_at IS NULL AND available_at <= now() AND (locked_until IS NULL OR locked_until < now())
         ORDER BY seq LIMIT $2::int FOR UPDATE SKIP LOCKED)
       RETURNING id::text AS id, seq::text AS seq, events, attempts`,
      [leaseMs / 1000, batchRows],
    );
    return rows.sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
  };

  async function publishRow(row: Pick<ClaimedRow, 'events'>, first: boolean): Promise<void> {
    // Once per batch: after an outage, wait until our subscribers are subscribed again.
    if (first && pubsub.ready) await withTimeout(pubsub.ready(), publishTimeoutMs, 'the pub/sub');
    const events = typeof row.events === 'string' ? (JSON.parse(row.events) as OutboxEvent[]) : row.events;
    for (const event of events) {
      const envelope: EventEnvelope = { eventId: event.id, payload: event.payload, publishedAt: Date.now() };
      await withTimeout(pubsub.publish(event.topic, envelope), publishTimeoutMs, 'the pub/sub');
    }
  }

  /**
   * Whether rows may be waiting for a retry (a publish or a pass failed, or no pass has finished
   * yet): committed rows then go through a pass rather than directly, behind the waiting ones.
   */
  let backlog = true;

  const markPublished = (ids: string[]) =>
    sql.query('UPDATE "patient_graph"."event_outbox" SET published_at = now(), locked_until = NULL WHERE id = ANY($1::uuid[]) AND published_at IS NULL', [ids]);

  /** Publishes rows this process just committed, in order, then marks them; what fails is left to a pass. */
  async function publishCommitted(rows: readonly CommittedRow[]): Promise<void> {
    const delivered: string[] = [];
    try {
      for (const row of rows) {
        await publishRow(row, delivered.length === 0);
        delivered.push(row.id);
      }
    } catch (error) {
      backlog = true;
      again = true;
      log.warn({ err: error }, 'outbox: could not publish committed events at once; a pass will retry');
    }
    // A row published but not marked (the database failed) is published again by a pass: subscribers drop the repeat.
    if (delivered.length) await markPublished(delivered);
  }

  /** One pass: claims and publishes batches until one is not full, or a publish fails. */
  async function pass(): Promise<void> {
    for (;;) {
      const rows = await claim();
      const delivered: string[] = [];
      let failed: { row: ClaimedRow; error: unknown } | null = null;
      for (const row of rows) {
        try {
          await publishRow(row, delivered.length === 0);
          delivered.push(row.id);
        } catch (error) {
          failed = { row, error };
          break;
        }
      }
      if (delivered.length) {
        await markPublished(delivered);
      }
      await prune();
      const unpublished = rows.filter((row) => !delivered.includes(row.id));
      if (failed) {
        backlog = true;
        const wait = backoffMs(failed.row.attempts, maxBackoffMs);
        log.warn({ err: failed.error, rows: unpublished.length, attempts: failed.row.attempts, retryInMs: wait }, 'outbox: could not publish events; will retry');
        // Every row left of this batch waits (keeps the order); the message says why.
        await sql.query(
          `UPDATE "patient_graph"."event_outbox" SET locked_until = NULL, available_at = now() + make_interval(secs => $1::float8), last_error = $2
           WHERE id = ANY($3::uuid[])`,
          [wait / 1000, String((failed.error as Error)?.message ?? failed.error).slice(0, 500), unpublished.map((row) => row.id)],
        );
        return;
      }
      if (rows.length < batchRows || stopped) {
        backlog = false;
        return;
      }
    }
  }

  /** Runs `first` (if any), then passes while asked for one; one run at a time. */
  function run(first: (() => Promise<void>) | null): void {
    running = scope.runInAsyncScope(async () => {
      again = first === null;
      try {
        await first?.();
      } catch (error) {
        again = true;
        log.warn({ err: error }, 'outbox: marking published events failed');
      }
      while (again && !stopped) {
        again = false;
        try {
          await pass();
        } catch (error) {
          // The database itself failed (down, or stopping): the next poll tries again.
          backlog = true;
          log.warn({ err: error }, 'outbox: a relay pass failed');
        }
      }
      running = null;
      for (const resolve of idleWaiters.splice(0)) resolve();
    });
  }

  function kick(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    run(null);
  }

  /** A row committed here: published at once when nothing waits before it, else by a pass. */
  function committed(rows?: readonly CommittedRow[]): void {
    if (stopped) return;
    if (!rows?.length || running || backlog) return kick();
    run(() => publishCommitted(rows));
  }

  const unsubscribe = onWake(committed);
  const timer = setInterval(kick, pollMs);
  timer.unref();
  kick();

  return {
    kick,
    drained: () => new Promise<void>((resolve) => {
      idleWaiters.push(resolve);
      kick();
    }),
    async stop() {
      stopped = true;
      unsubscribe();
      clearInterval(timer);
      await running;
      idleWaiters = [];
    },
  };
}

// The outbox relay: publishes committed outbox rows and deletes each once all its events are out.
// One runs in every process that writes events. It claims rows with a lease (FOR UPDATE SKIP
// LOCKED, so replicas never claim the same row at once), publishes their events in row order,
// and on a failure (Redis down) leaves the row for a retry with a doubling backoff, forever:
// delivery is at least once, and subscribers drop repeats by event id (subscribe.ts). A relay
// that dies holding a lease only delays its rows until the lease passes.
import type { Prisma } from '../db/database';
import type { Logger } from '../logger';
import type { PubSub } from '../pubsub';
import { DEFAULT_OUTBOX_MAX_BACKOFF_MS, DEFAULT_OUTBOX_POLL_MS } from '../config/settings';
import type { EventEnvelope, OutboxEvent } from './types';
import { onWake } from './wake';

/** Rows claimed per pass (a pass claims again at once while it finds full batches). */
export const DEFAULT_RELAY_BATCH_ROWS = 50;
/** How long a claim holds a row from other relays: longer than any publish of a batch can take. */
export const DEFAULT_RELAY_LEASE_MS = 30_000;
/** A publish that has not answered by then counts as failed (the row is retried). */
export const DEFAULT_PUBLISH_TIMEOUT_MS = 5_000;
/** The first retry's wait after a failed publish; it doubles up to maxBackoffMs. */
export const DEFAULT_FIRST_BACKOFF_MS = 100;

export interface OutboxRelayOptions {
  prisma: Prisma;
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
  seq: bigint;
  events: OutboxEvent[];
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
  const { prisma, pubsub, log } = options;
  const pollMs = options.pollMs ?? DEFAULT_OUTBOX_POLL_MS;
  const maxBackoffMs = options.maxBackoffMs ?? DEFAULT_OUTBOX_MAX_BACKOFF_MS;
  const batchRows = options.batchRows ?? DEFAULT_RELAY_BATCH_ROWS;
  const leaseMs = options.leaseMs ?? DEFAULT_RELAY_LEASE_MS;
  const publishTimeoutMs = options.publishTimeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS;
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let idleWaiters: (() => void)[] = [];

  const claim = () =>
    prisma.$queryRaw<ClaimedRow[]>`
      UPDATE "patient_graph"."event_outbox" SET locked_until = now() + make_interval(secs => ${leaseMs / 1000}::float8), attempts = attempts + 1
      WHERE id IN (
        SELECT id FROM "patient_graph"."event_outbox"
        WHERE available_at <= now() AND (locked_until IS NULL OR locked_until < now())
        ORDER BY seq LIMIT ${batchRows}::int FOR UPDATE SKIP LOCKED)
      RETURNING id::text AS id, seq, events, attempts`.then((rows) => rows.sort((a, b) => (a.seq < b.seq ? -1 : 1)));

  async function publishRow(row: ClaimedRow, first: boolean): Promise<void> {
    // Once per batch: after an outage, wait until our subscribers are subscribed again.
    if (first && pubsub.ready) await withTimeout(pubsub.ready(), publishTimeoutMs, 'the pub/sub');
    for (const event of row.events) {
      const envelope: EventEnvelope = { eventId: event.id, payload: event.payload };
      await withTimeout(pubsub.publish(event.topic, envelope), publishTimeoutMs, 'the pub/sub');
    }
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
      if (delivered.length) await prisma.$executeRaw`DELETE FROM "patient_graph"."event_outbox" WHERE id = ANY(${delivered}::uuid[])`;
      const unpublished = rows.filter((row) => !delivered.includes(row.id));
      if (failed) {
        const wait = backoffMs(failed.row.attempts, maxBackoffMs);
        log.warn({ err: failed.error, rows: unpublished.length, attempts: failed.row.attempts, retryInMs: wait }, 'outbox: could not publish events; will retry');
        // Every row left of this batch waits (keeps the order); the message says why.
        await prisma.$executeRaw`
          UPDATE "patient_graph"."event_outbox" SET locked_until = NULL, available_at = now() + make_interval(secs => ${wait / 1000}::float8), last_error = ${String((failed.error as Error)?.message ?? failed.error).slice(0, 500)}
          WHERE id = ANY(${unpublished.map((row) => row.id)}::uuid[])`;
        return;
      }
      if (rows.length < batchRows || stopped) return;
    }
  }

  function kick(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await pass();
        } catch (error) {
          // The database itself failed (down, or stopping): the next poll tries again.
          log.warn({ err: error }, 'outbox: a relay pass failed');
        }
      } while (again && !stopped);
      running = null;
      for (const resolve of idleWaiters.splice(0)) resolve();
    })();
  }

  const unsubscribe = onWake(kick);
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

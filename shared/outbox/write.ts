// Writing events into the outbox, in the transaction of the write that causes them: ONE row
// (one INSERT) per transaction, however many events it holds, so the events exist exactly when
// the write does. After the commit the process's relays are handed the row to publish at once
// (relay.ts; its poll remains the fallback).
import { randomUUID } from 'node:crypto';
import type { Prisma } from '../db/database';
import type { EmittedEvent, OutboxEvent } from './types';
import { wakeRelays, type CommittedRow } from './wake';

/** An interactive transaction's client, as `prisma.$transaction(async (tx) => …)` hands it. */
export type OutboxTx = Pick<Parameters<Parameters<Prisma['$transaction']>[0]>[0], '$executeRaw'>;

/** Collects a write's events; `emit` may be called any number of times before the transaction ends. */
export type Emit = (topic: string, payload: unknown) => void;

/** Appends `events` as one outbox row inside `tx` (nothing when there are none). Returns them with their ids. */
export async function writeOutbox(tx: OutboxTx, events: readonly EmittedEvent[]): Promise<OutboxEvent[]> {
  return (await writeOutboxRow(tx, events))?.events ?? [];
}

/** writeOutbox, returning the row (null when there were no events). */
async function writeOutboxRow(tx: OutboxTx, events: readonly EmittedEvent[]): Promise<CommittedRow | null> {
  if (events.length === 0) return null;
  // Through JSON now, as subscribers will get them: dates become ISO strings.
  const stored: OutboxEvent[] = events.map((event) => ({ id: randomUUID(), topic: event.topic, payload: JSON.parse(JSON.stringify(event.payload ?? null)) }));
  const id = randomUUID();
  await tx.$executeRaw`INSERT INTO "patient_graph"."event_outbox" (id, events) VALUES (${id}::uuid, ${JSON.stringify(stored)}::jsonb)`;
  return { id, events: stored };
}

export interface TransactionOptions {
  maxWait?: number;
  timeout?: number;
}

/**
 * Runs `work` in one transaction; the events it emits are written as one outbox row at its end,
 * in the same transaction, and the relays are handed the row after the commit. A rollback drops them too.
 */
export async function transactionWithEvents<T>(
  prisma: Prisma,
  work: (tx: Parameters<Parameters<Prisma['$transaction']>[0]>[0], emit: Emit) => Promise<T>,
  options?: TransactionOptions,
): Promise<T> {
  let row: CommittedRow | null = null;
  const result = await prisma.$transaction(async (tx) => {
    const events: EmittedEvent[] = [];
    const value = await work(tx, (topic, payload) => void events.push({ topic, payload }));
    row = await writeOutboxRow(tx, events);
    return value;
  }, options);
  const committed = row as CommittedRow | null;
  if (committed) wakeRelays([committed]);
  return result;
}

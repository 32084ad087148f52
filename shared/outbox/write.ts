// Writing events into the outbox, in the transaction of the write that causes them: ONE row
// (one INSERT) per transaction, however many events it holds, so the events exist exactly when
// the write does. After the commit the process's relays are woken to publish them at once.
import { randomUUID } from 'node:crypto';
import type { Prisma } from '../db/database';
import type { EmittedEvent, OutboxEvent } from './types';
import { wakeRelays } from './wake';

/** An interactive transaction's client, as `prisma.$transaction(async (tx) => …)` hands it. */
export type OutboxTx = Pick<Parameters<Parameters<Prisma['$transaction']>[0]>[0], '$executeRaw'>;

/** Collects a write's events; `emit` may be called any number of times before the transaction ends. */
export type Emit = (topic: string, payload: unknown) => void;

/** Appends `events` as one outbox row inside `tx` (nothing when there are none). Returns them with their ids. */
export async function writeOutbox(tx: OutboxTx, events: readonly EmittedEvent[]): Promise<OutboxEvent[]> {
  if (events.length === 0) return [];
  // Through JSON now, as subscribers will get them: dates become ISO strings.
  const stored: OutboxEvent[] = events.map((event) => ({ id: randomUUID(), topic: event.topic, payload: JSON.parse(JSON.stringify(event.payload ?? null)) }));
  await tx.$executeRaw`INSERT INTO "patient_graph"."event_outbox" (id, events) VALUES (${randomUUID()}::uuid, ${JSON.stringify(stored)}::jsonb)`;
  return stored;
}

export interface TransactionOptions {
  maxWait?: number;
  timeout?: number;
}

/**
 * Runs `work` in one transaction; the events it emits are written as one outbox row at its end,
 * in the same transaction, and the relays are woken after the commit. A rollback drops them too.
 */
export async function transactionWithEvents<T>(
  prisma: Prisma,
  work: (tx: Parameters<Parameters<Prisma['$transaction']>[0]>[0], emit: Emit) => Promise<T>,
  options?: TransactionOptions,
): Promise<T> {
  let written = 0;
  const result = await prisma.$transaction(async (tx) => {
    const events: EmittedEvent[] = [];
    const value = await work(tx, (topic, payload) => void events.push({ topic, payload }));
    written = (await writeOutbox(tx, events)).length;
    return value;
  }, options);
  if (written) wakeRelays();
  return result;
}

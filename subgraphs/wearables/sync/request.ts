// Asking for syncs: one queue job per connection, so each vendor's sync succeeds or fails on
// its own. The connection shows QUEUED (with the job id) before the job exists, so a worker
// that picks the job up at once can only move it forward (RUNNING, then SUCCEEDED/FAILED).
// A sync that failed and waits to retry answers a person's new request itself, starting at once.
import { randomUUID } from 'node:crypto';
import type { Prisma } from '../../../shared/db/database';
import { DEFAULT_RAW_PAYLOAD_RETENTION_DAYS } from '../config';
import { deleteOldStates } from '../oauth/state';
import type { WearableProvider } from '../../../generated/prisma/client';
import { QUEUE_SCHEMA, SYNC_PRIORITY, syncPriority, syncQueueName, type SyncJobData, type SyncQueue } from './queue';

/** A sync of the connection that keeps another from starting: running, or failed and waiting to retry. */
const UNDER_WAY = `SELECT 1 FROM ${QUEUE_SCHEMA}.job WHERE name = $1 AND singleton_key = $2 AND state IN ('active', 'retry')`;

/** The connection shows job `jobId` waiting: written before the job can start, so a worker only moves it forward. */
const markQueued = (prisma: Prisma, connectionId: string, jobId: string) =>
  prisma.wearableConnection.update({ where: { id: connectionId }, data: { syncStatus: 'QUEUED', syncJobId: jobId, syncRequestedAt: new Date() } });

/**
 * The connection's sync that failed and waits to retry, made to start now (at `priority` when
 * higher) with its retries counted afresh: "sync now" after a failure is that retry, not a
 * second job, which could only wait behind every other (it cannot start while the retry may).
 * The job keeps its first request's data and trace. Null when there is none, when it started
 * meanwhile, or while another sync of the connection runs (the retry could not start before
 * that one ends, and at the head it would stall every fetch of the provider's workers).
 */
async function retryNow(prisma: Prisma, queueName: string, connectionId: string, priority: number): Promise<string | null> {
  const [retrying] = await prisma.$queryRawUnsafe<{ id: string }[]>(
    `SELECT id::text AS id FROM ${QUEUE_SCHEMA}.job WHERE name = $1 AND singleton_key = $2 AND state = 'retry' LIMIT 1`,
    queueName,
    connectionId,
  );
  if (!retrying) return null;
  await markQueued(prisma, connectionId, retrying.id);
  const [moved] = await prisma.$queryRawUnsafe<{ id: string }[]>(
    `UPDATE ${QUEUE_SCHEMA}.job SET start_after = now(), priority = GREATEST(priority, $3), retry_count = 0
      WHERE name = $1 AND id = $2::uuid AND state = 'retry'
        AND NOT EXISTS (SELECT 1 FROM ${QUEUE_SCHEMA}.job WHERE name = $1 AND singleton_key = $4 AND state = 'active')
      RETURNING id::text AS id`,
    queueName,
    retrying.id,
    priority,
    connectionId,
  );
  return moved ? retrying.id : null;
}

/** Queues a sync of one connection; returns the id of the job that will run it. */
export async function requestSync(
  prisma: Prisma,
  queue: SyncQueue,
  connection: { id: string; provider: WearableProvider },
  reason: SyncJobData['reason'],
): Promise<string> {
  const connectionId = connection.id;
  const queueName = syncQueueName(connection.provider);
  // Not for the nightly batch: that keeps a failing vendor's backoff.
  const retrying = reason === 'daily' ? null : await retryNow(prisma, queueName, connectionId, syncPriority(reason, false));
  if (retrying) {
    queue.wake(connection.provider);
    return retrying;
  }
  const jobId = randomUUID();
  await markQueued(prisma, connectionId, jobId);
  // Twice at most: a waiting job may start between our send and our look-up.
  for (let attempt = 0; attempt < 2; attempt++) {
    // Asked of the queue, not the connection's status (which the request before this one set to QUEUED).
    const [{ running }] = await prisma.$queryRawUnsafe<{ running: boolean }[]>(`SELECT EXISTS (${UNDER_WAY}) AS running`, queueName, connectionId);
    if (await queue.send(connection.provider, connectionId, reason, jobId, running)) {
      // One that started since we looked: this job waits behind it, not at the head where it cannot start.
      // (The queue's own rows, written outside the request's audited writes as pg-boss's send is.)
      if (!running) {
        await prisma.$queryRawUnsafe(
          `UPDATE ${QUEUE_SCHEMA}.job SET priority = $4 WHERE name = $1 AND id = $3::uuid AND state = 'created' AND EXISTS (${UNDER_WAY})`,
          queueName,
          connectionId,
          jobId,
          SYNC_PRIORITY.behind,
        );
      }
      return jobId;
    }
    // A sync of this connection is already waiting: that job answers this request too, at this
    // request's priority when higher ("sync now" while the nightly job of the connection waits).
    const [waiting] = await prisma.$queryRawUnsafe<{ id: string }[]>(
      `UPDATE ${QUEUE_SCHEMA}.job SET priority = GREATEST(priority, $3)
        WHERE name = $1 AND id = (SELECT id FROM ${QUEUE_SCHEMA}.job WHERE name = $1 AND singleton_key = $2 AND state = 'created' LIMIT 1)
        RETURNING id::text AS id`,
      queueName,
      connectionId,
      syncPriority(reason, running),
    );
    if (waiting) {
      await prisma.wearableConnection.updateMany({ where: { id: connectionId, syncJobId: jobId }, data: { syncJobId: waiting.id } });
      return waiting.id;
    }
  }
  throw new Error(`could not queue a sync of connection ${connectionId}`);
}

/**
 * The 03:00 UTC run: a sync job for every connection that is not disconnected, then
 * housekeeping (old OAuth states; raw pages past their retention).
 */
export async function requestDailySync(prisma: Prisma, queue: SyncQueue, rawPayloadRetentionDays = DEFAULT_RAW_PAYLOAD_RETENTION_DAYS, now = new Date()): Promise<number> {
  const connections = await prisma.wearableConnection.findMany({ where: { status: { not: 'DISCONNECTED' } }, select: { id: true, provider: true }, orderBy: { id: 'asc' } });
  for (const connection of connections) await requestSync(prisma, queue, connection, 'daily');
  await deleteOldStates(prisma, now);
  await prisma.wearableRawPayload.deleteMany({ where: { fetchedAt: { lt: new Date(now.getTime() - rawPayloadRetentionDays * 86_400_000) } } });
  return connections.length;
}

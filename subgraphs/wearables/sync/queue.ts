// The sync job queue: pg-boss (Postgres-backed, so jobs live in the same database as the
// data and survive any process restart; 10.x is the last line that supports Node 20), on the
// server database or on the embedded PGlite through our own SQL runner. Each provider has its
// own queue and workers, so a slow, rate-limited or failing vendor delays only its own jobs;
// a queue holds one job per connection to sync ("stately": at most one queued and one running
// per connection, so a connection is never synced twice at once). A further queue receives
// the daily cron tick and fans out a job per connection.
import PgBoss from 'pg-boss';
import type { WearableProvider } from '../../../generated/prisma/client';
import type { Database } from '../../../shared/db/database';
import { queueDb } from '../../../shared/queue/sql';
import type { Logger } from '../../../shared/logger';
import { remainingGraceMs } from '../../../shared/server/shutdown';
import { PROVIDERS, type WearablesConfig } from '../config';
import { runTracedJob, withoutTraceContext, withTraceContext } from '../../../shared/observability/job-tracing';

export const syncQueueName = (provider: WearableProvider) => `wearables-sync-${provider.toLowerCase()}`;
export const DAILY_QUEUE = 'wearables-daily-sync';
export const QUEUE_SCHEMA = 'pgboss';
/** A job running longer than this is presumed dead (its process crashed) and retried. */
const JOB_EXPIRE_SECONDS = 15 * 60;
/** Sends in this process wake its workers at once; the poll finds jobs sent by other processes. */
const POLLING_INTERVAL_SECONDS = 2;

/**
 * Which waiting sync a worker takes first (pg-boss fetches the highest priority first): one a
 * person waits for (a new connection, "sync now") before the nightly batch, which queues a job
 * for every connection at once; one queued while its connection's sync runs after all, since
 * the queue cannot start it before that one ends (at the head it would stall every fetch of the
 * provider's workers). A sync waiting to retry is not queued behind for a person: their request
 * starts that retry at once (request.ts).
 */
export const SYNC_PRIORITY = { waitedFor: 1, daily: 0, behind: -1 } as const;

/** The priority of a sync queued for `reason` (`behind`: its connection's sync is running). */
export const syncPriority = (reason: SyncJobData['reason'], behind: boolean): number =>
  behind ? SYNC_PRIORITY.behind : reason === 'daily' ? SYNC_PRIORITY.daily : SYNC_PRIORITY.waitedFor;

export interface SyncJobData {
  connectionId: string;
  reason: 'daily' | 'on-demand' | 'connected';
}

export interface QueueHandlers {
  sync(job: PgBoss.Job<SyncJobData>): Promise<void>;
  daily(): Promise<void>;
}

export interface SyncQueue {
  /**
   * Queues a sync of the connection as job `id` (a daily one after any a person waits for:
   * SYNC_PRIORITY); null when one is already waiting (nothing sent). `behind`: the connection's
   * sync is running (or waiting to retry, for the nightly batch or when a request could not take
   * the retry over), so this one cannot start before it ends: it goes after every other job,
   * rather than at the head of the queue where the workers would keep fetching (and failing to
   * start) it.
   */
  send(provider: WearableProvider, connectionId: string, reason: SyncJobData['reason'], id: string, behind?: boolean): Promise<string | null>;
  /** Wakes this process's workers of the provider (a job became due), rather than waiting for their next poll. */
  wake(provider: WearableProvider): void;
  stop(): Promise<void>;
  boss: PgBoss;
}

export interface StartQueueOptions {
  db: Database;
  config: Pick<WearablesConfig, 'syncCron' | 'syncConcurrency' | 'syncRetryLimit' | 'syncRetryDelaySeconds'>;
  log: Logger;
  /** Omit to only send jobs (no workers in this process). */
  handlers?: QueueHandlers;
}

export async function startSyncQueue(options: StartQueueOptions): Promise<SyncQueue> {
  const { config, log, handlers } = options;
  const boss = new PgBoss({
    db: queueDb(options.db),
    schema: QUEUE_SCHEMA,
    migrate: true,
    supervise: Boolean(handlers),
    schedule: Boolean(handlers),
  } as PgBoss.ConstructorOptions);
  boss.on('error', (error) => log.error({ err: error }, 'job queue error'));
  await boss.start();
  for (const provider of PROVIDERS) {
    const queue = {
      name: syncQueueName(provider),
      policy: 'stately' as const,
      retryLimit: config.syncRetryLimit,
      retryDelay: config.syncRetryDelaySeconds,
      retryBackoff: true,
      expireInSeconds: JOB_EXPIRE_SECONDS,
    };
    await boss.createQueue(queue.name, queue);
    // A queue keeps the options it was created with: apply today's retry settings.
    await boss.updateQueue(queue.name, queue);
  }
  await boss.createQueue(DAILY_QUEUE, { name: DAILY_QUEUE, policy: 'standard' });

  const workers = new Map<WearableProvider, string[]>(PROVIDERS.map((provider) => [provider, []]));
  if (handlers) {
    await boss.schedule(DAILY_QUEUE, config.syncCron, undefined, { tz: 'UTC' });
    for (const provider of PROVIDERS) {
      for (let i = 0; i < config.syncConcurrency; i++) {
        const options = { pollingIntervalSeconds: POLLING_INTERVAL_SECONDS, batchSize: 1 };
        const name = syncQueueName(provider);
        workers.get(provider)!.push(
          await boss.work<SyncJobData>(name, options, async ([job]) => {
            // The request that queued the sync (syncWearables, a connection) goes on in the job's trace.
            const { data, carrier } = withoutTraceContext(job.data);
            return runTracedJob(name, carrier, () => handlers.sync({ ...job, data }));
          }),
        );
      }
    }
    await boss.work(DAILY_QUEUE, { pollingIntervalSeconds: 5, batchSize: 1 }, async () => handlers.daily());
  }
  const wake = (provider: WearableProvider) => {
    for (const worker of workers.get(provider)!) boss.notifyWorker(worker);
  };
  return {
    boss,
    async send(provider, connectionId, reason, jobId, behind = false) {
      const options = { id: jobId, singletonKey: connectionId, priority: syncPriority(reason, behind) };
      const id = await boss.send(syncQueueName(provider), withTraceContext({ connectionId, reason } satisfies SyncJobData), options);
      wake(provider);
      return id;
    },
    wake,
    async stop() {
      // Graceful: running syncs finish within what is left of the shutdown's grace period (or are retried after expiry).
      await boss.stop({ graceful: true, wait: true, timeout: Math.max(1, remainingGraceMs()) });
    },
  };
}

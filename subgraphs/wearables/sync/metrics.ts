// The sync queue as an operator sees it: how many jobs wait and run per queue (read from the
// queue's tables when Prometheus scrapes, so every replica reports the same shared depth: take
// the max), and how each job ended, by provider, with its duration.
import client from 'prom-client';
import type { WearableProvider } from '../../../generated/prisma/client';
import { counter, histogram, perService } from '../../../shared/observability/service-metrics';
import { PROVIDERS } from '../config';
import type { SyncOutcome } from './pipeline';
import { DAILY_QUEUE, syncQueueName, type SyncQueue } from './queue';

export const SERVICE = 'wearables';
/** A sync waits mostly on the vendor: seconds to the 15-minute job expiry. */
export const SYNC_DURATION_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900];

/** How a sync job ended: the `outcome` label. `failed_retryable` goes back to the queue for a later attempt. */
export type JobOutcome = 'succeeded' | 'skipped' | 'failed' | 'failed_retryable' | 'crashed';

/** The queues whose depth is reported, while this process has the queue started. */
let watched: SyncQueue | null = null;
const QUEUES = [...PROVIDERS.map(syncQueueName), DAILY_QUEUE];

const syncMetrics = perService((registry) => ({
  jobs: counter(registry, 'wearables_sync_jobs_total', 'Wearable sync jobs run by this process, by provider and outcome', ['provider', 'outcome']),
  duration: histogram(registry, 'wearables_sync_job_duration_seconds', 'Time of one wearable sync job, by provider', ['provider'], SYNC_DURATION_BUCKETS),
  queueJobs: new client.Gauge({
    name: 'wearables_sync_queue_jobs',
    help: 'Jobs in the wearable sync queues (shared by every replica), by queue and state: queued (waiting or to retry) or active',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      if (!watched) return;
      const { boss } = watched;
      try {
        const counts = await Promise.all(
          QUEUES.map(async (queue) => [queue, await boss.getQueueSize(queue), await boss.getQueueSize(queue, { before: 'completed' })] as const),
        );
        for (const [queue, queued, notDone] of counts) {
          this.set({ queue, state: 'queued' }, queued);
          this.set({ queue, state: 'active' }, notDone - queued);
        }
      } catch {
        // The database did not answer: no depth rather than a stale one (and the scrape still succeeds).
        this.reset();
      }
    },
  }),
}));

/** Reports the depth of `queue`'s queues from now on; the returned function stops it. */
export function watchQueueDepth(queue: SyncQueue): () => void {
  syncMetrics(SERVICE);
  watched = queue;
  return () => {
    if (watched === queue) watched = null;
  };
}

export function providerOfQueue(queueName: string): WearableProvider | undefined {
  return PROVIDERS.find((provider) => syncQueueName(provider) === queueName);
}

export function jobOutcome(outcome: SyncOutcome): JobOutcome {
  if (outcome.status === 'failed') return outcome.retryable ? 'failed_retryable' : 'failed';
  return outcome.status;
}

/** Runs one job's sync, recording its outcome and duration (`crashed` when it throws). */
export async function measureSyncJob(provider: string, run: () => Promise<SyncOutcome>): Promise<SyncOutcome> {
  const metrics = syncMetrics(SERVICE);
  const stop = metrics.duration.startTimer({ provider });
  let outcome: JobOutcome = 'crashed';
  try {
    const result = await run();
    outcome = jobOutcome(result);
    return result;
  } finally {
    metrics.jobs.inc({ provider, outcome });
    stop();
  }
}

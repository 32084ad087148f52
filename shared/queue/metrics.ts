// The job queue as an operator sees it (the queues of shared/queue/jobs.ts: care alerts, FHIR
// exports, the health score's wearables parts and their refresh): how each job ended, by queue, with its duration, and how many wait and run, read from
// the queue's tables when Prometheus scrapes (every replica reports the same shared depth: take
// the max). Process-wide series: one queue per process, served by the process's one endpoint.
import client from 'prom-client';
import type PgBoss from 'pg-boss';
import { registry } from '../metrics';

/** A job waits on the database or the gateway: tens of milliseconds to the export's minutes. */
export const JOB_DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 1_800];

/** How a job ended: `failed` goes back to the queue while it has retries left. */
export type JobOutcome = 'completed' | 'failed';

const jobs = new client.Counter({
  name: 'job_queue_jobs_total',
  help: 'Jobs of the job queue (care alerts, FHIR exports) run by this process, by queue and outcome (completed, failed: retried while retries last)',
  labelNames: ['queue', 'outcome'],
  registers: [registry],
});

const duration = new client.Histogram({
  name: 'job_queue_job_duration_seconds',
  help: 'Time of one job of the job queue, by queue',
  labelNames: ['queue'],
  buckets: JOB_DURATION_BUCKETS,
  registers: [registry],
});

/** The queues whose depth is reported, with the pg-boss that reads it, while this process runs them. */
const watched = new Map<string, PgBoss>();

new client.Gauge({
  name: 'job_queue_jobs',
  help: 'Jobs in the job queue (shared by every replica), by queue and state: queued (waiting or to retry) or active',
  labelNames: ['queue', 'state'],
  registers: [registry],
  async collect() {
    this.reset();
    try {
      for (const [queue, boss] of watched) {
        const queued = await boss.getQueueSize(queue);
        const notDone = await boss.getQueueSize(queue, { before: 'completed' });
        this.set({ queue, state: 'queued' }, queued);
        this.set({ queue, state: 'active' }, notDone - queued);
      }
    } catch {
      // The database did not answer: no depth rather than a stale one (and the scrape still succeeds).
      this.reset();
    }
  },
});

/** Reports `queue`'s depth from now on; the returned function stops it. */
export function watchQueue(queue: string, boss: PgBoss): () => void {
  watched.set(queue, boss);
  return () => {
    if (watched.get(queue) === boss) watched.delete(queue);
  };
}

/** Runs one job of `queue`, recording its outcome and duration (a throw is `failed`, and rethrown). */
export async function measureJob<T>(queue: string, run: () => Promise<T>): Promise<T> {
  const stop = duration.startTimer({ queue });
  let outcome: JobOutcome = 'failed';
  try {
    const result = await run();
    outcome = 'completed';
    return result;
  } finally {
    jobs.inc({ queue, outcome });
    stop();
  }
}

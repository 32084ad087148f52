// The process's job queue: one pg-boss (Postgres-backed: jobs live in the platform's database
// and survive any restart) shared by the subgraphs of a process that send or work jobs outside
// the wearables sync (which keeps its own). The process wiring builds it and passes it to each
// subgraph (no module state). Queues are created where they are worked or sent from; `wake`
// tells this process's workers a job is ready instead of waiting for their poll.
import PgBoss from 'pg-boss';
import type { Database } from '../db/database';
import type { Logger } from '../logger';
import { queueDb } from './sql';
import { measureJob, watchQueue } from './metrics';
import { runTracedJob, withoutTraceContext } from '../observability/job-tracing';
import { remainingGraceMs } from '../server/shutdown';

export const JOB_QUEUE_SCHEMA = 'pgboss';

export interface WorkOptions {
  /** How often an idle worker looks for jobs sent by other processes (pg-boss's minimum is 0.5 s). */
  pollingIntervalSeconds: number;
  /** Workers of this queue in this process. */
  concurrency?: number;
}

export interface JobQueue {
  boss: PgBoss;
  /** Creates the queue, or applies today's options to it. */
  ensureQueue(name: string, options?: Omit<PgBoss.Queue, 'name'>): Promise<void>;
  /** Runs `handler` for each job of `name` (with its retry count), one at a time per worker. */
  work<T extends object>(name: string, options: WorkOptions, handler: (job: PgBoss.JobWithMetadata<T>) => Promise<void>): Promise<void>;
  /** Wakes this process's workers of `name`. */
  wake(name: string): void;
}

interface Started {
  queue: JobQueue;
  /** pg-boss said it stopped (or failed to supervise): the queue is not working jobs. */
  stopped(): boolean;
  stop(): Promise<void>;
}

async function start(db: Database, log: Logger): Promise<Started> {
  const boss = new PgBoss({ db: queueDb(db), schema: JOB_QUEUE_SCHEMA, migrate: true, supervise: true, schedule: false } as PgBoss.ConstructorOptions);
  let stopped = false;
  boss.on('error', (error) => log.error({ err: error }, 'job queue error'));
  boss.on('stopped', () => (stopped = true));
  await boss.start();
  const workers = new Map<string, string[]>();
  const unwatch: (() => void)[] = [];
  const queue: JobQueue = {
    boss,
    async ensureQueue(name, options = {}) {
      await boss.createQueue(name, { name, ...options });
      await boss.updateQueue(name, { name, ...options });
    },
    async work(name, options, handler) {
      for (let i = 0; i < (options.concurrency ?? 1); i++) {
        const id = await boss.work<object>(name, { pollingIntervalSeconds: options.pollingIntervalSeconds, batchSize: 1, includeMetadata: true }, async ([job]) => {
          // The sender's trace goes on in the job (shared/observability/job-tracing.ts); the handler sees its own data only.
          const { data, carrier } = withoutTraceContext(job.data);
          return runTracedJob(name, carrier, () => measureJob(name, () => handler({ ...job, data } as never)));
        });
        workers.set(name, [...(workers.get(name) ?? []), id]);
      }
      unwatch.push(watchQueue(name, boss));
    },
    wake(name) {
      for (const id of workers.get(name) ?? []) boss.notifyWorker(id);
    },
  };
  return {
    queue,
    stopped: () => stopped,
    async stop() {
      for (const stop of unwatch) stop();
      // Running jobs get what is left of the shutdown's grace period; any still running then are retried after expiry.
      await boss.stop({ graceful: true, wait: true, timeout: Math.max(1, remainingGraceMs()) });
    },
  };
}

/**
 * The process's job queue, built once by the process wiring (bin/launch.ts) and given to each
 * subgraph as a dependency (SubgraphDeps.queue). pg-boss starts when the first subgraph that
 * sends or works jobs asks for it, so a process whose subgraphs use none runs none.
 */
export interface ProcessJobQueue {
  /** Starts the queue on the first call (again after a failed start); the same queue after. */
  start(): Promise<JobQueue>;
  /** Whether it was started and works jobs (/readyz's check). */
  running(): boolean;
  /** Stops it (running jobs get the shutdown's grace); the process's wiring calls it after the subgraphs' services stop. */
  stop(): Promise<void>;
}

export function processJobQueue(db: Database, log: Logger): ProcessJobQueue {
  let pending: Promise<Started> | undefined;
  let started: Started | undefined;
  return {
    async start() {
      if (!pending) {
        const starting = start(db, log);
        pending = starting;
        starting.catch(() => pending === starting && (pending = undefined));
      }
      started = await pending;
      return started.queue;
    },
    running: () => started !== undefined && !started.stopped(),
    async stop() {
      const starting = pending;
      pending = undefined;
      started = undefined;
      // A start still under way is waited for, so its pg-boss is stopped too.
      await (await starting?.catch(() => undefined))?.stop();
    },
  };
}

/**
 * /readyz's `queue` (shared/server/readiness.ts): this process's job queue runs and its tables
 * answer. Fails while it is not started (a process whose subgraphs send no jobs has no such
 * check: the launcher adds it only when one started it).
 */
export function jobQueueCheck(queue: ProcessJobQueue, db: Database): { name: 'queue'; check(): Promise<unknown> } {
  return {
    name: 'queue',
    async check() {
      if (!queue.running()) throw new Error('the job queue is not running');
      return db.sql.query(`SELECT version FROM ${JOB_QUEUE_SCHEMA}.version`);
    },
  };
}

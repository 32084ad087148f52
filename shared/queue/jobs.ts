// The process's job queue: one pg-boss (Postgres-backed: jobs live in the platform's database
// and survive any restart) shared by the subgraphs of a process that send or work jobs outside
// the wearables sync (which keeps its own). Queues are created where they are worked or sent
// from; `wake` tells this process's workers a job is ready instead of waiting for their poll.
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

interface Shared {
  queue: JobQueue;
  users: number;
  stop(): Promise<void>;
}

const started = new WeakMap<Database, Promise<Shared>>();
let current: JobQueue | null = null;
/** pg-boss said it stopped (or failed to supervise): the queue is not working jobs. */
const stoppedBosses = new WeakSet<PgBoss>();

async function start(db: Database, log: Logger): Promise<Shared> {
  const boss = new PgBoss({ db: queueDb(db), schema: JOB_QUEUE_SCHEMA, migrate: true, supervise: true, schedule: false } as PgBoss.ConstructorOptions);
  boss.on('error', (error) => log.error({ err: error }, 'job queue error'));
  boss.on('stopped', () => stoppedBosses.add(boss));
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
    users: 0,
    async stop() {
      for (const stop of unwatch) stop();
      // Running jobs get what is left of the shutdown's grace period; any still running then are retried after expiry.
      await boss.stop({ graceful: true, wait: true, timeout: Math.max(1, remainingGraceMs()) });
    },
  };
}

/**
 * The job queue of this process's database, started on first use. Each caller gets a release
 * function; the queue stops when the last one releases it.
 */
export async function useJobQueue(db: Database, log: Logger): Promise<{ queue: JobQueue; release(): Promise<void> }> {
  let pending = started.get(db);
  if (!pending) {
    pending = start(db, log);
    started.set(db, pending);
    pending.catch(() => started.delete(db));
  }
  const shared = await pending;
  shared.users++;
  current = shared.queue;
  let released = false;
  return {
    queue: shared.queue,
    async release() {
      if (released) return;
      released = true;
      if (--shared.users > 0) return;
      started.delete(db);
      if (current === shared.queue) current = null;
      await shared.stop();
    },
  };
}

/** This process's job queue, for code that runs inside requests (a resolver raising a care alert). */
export function activeJobQueue(): JobQueue {
  if (!current) throw new Error('the job queue is not running in this process (a subgraph that sends jobs starts it in startServices)');
  return current;
}

/**
 * /readyz's `queue` (shared/server/readiness.ts): this process's job queue runs and its tables
 * answer. Fails while no queue was started here (a process whose subgraphs send no jobs has no
 * such check: the launcher adds it only when one started).
 */
export function jobQueueCheck(db: Database): { name: 'queue'; check(): Promise<unknown> } {
  return {
    name: 'queue',
    async check() {
      if (!current || stoppedBosses.has(current.boss)) throw new Error('the job queue is not running');
      return db.sql.query(`SELECT version FROM ${JOB_QUEUE_SCHEMA}.version`);
    },
  };
}

/** Whether a subgraph of this process started the job queue. */
export function jobQueueRunning(): boolean {
  return current !== null;
}

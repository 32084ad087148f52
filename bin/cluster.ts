// WORKERS > 1: this process becomes a node:cluster primary that serves nothing itself. Its workers
// each run the selected services and share their ports (the primary hands connections round-robin),
// so one machine's cores all serve. The first worker starts alone (it migrates, seeds and makes the
// job queue's schema); the others follow once it is ready. At start, a worker that dies before it
// is ready stops the whole start (a setting or the database is wrong, and retrying would only
// repeat the error). Later, a worker that dies is replaced; a replacement that dies before it is
// ready is tried again after a delay that doubles each time (the database may be back by then),
// up to MAX_RESPAWN_ATTEMPTS, after which the primary serves with the workers it has (or exits 1
// if none is left). /metrics answers for every worker (shared/observability/cluster-metrics.ts).
// SIGTERM/SIGINT: every worker drains within the grace period, then the primary exits.
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../shared/logger';
import { exitOnSignals, FORCED_EXIT_MARGIN_MS } from '../shared/server/shutdown';
import { aggregateWorkerMetrics } from '../shared/observability/cluster-metrics';

/** What a worker sends the primary once its services answer. */
export const WORKER_READY = 'loop-worker-ready';
/** Wait before replacing a worker that died, so a crash loop does not spin the CPU; doubled after each replacement that fails. */
export const DEFAULT_RESPAWN_DELAY_MS = 1_000;
/** The longest wait between two attempts to replace a worker. */
export const MAX_RESPAWN_DELAY_MS = 30_000;
/** Replacements in a row that die before they are ready, after which the primary stops replacing that worker. */
export const MAX_RESPAWN_ATTEMPTS = 5;

export interface ClusterOptions {
  workers: number;
  /** The workers' own grace period (SHUTDOWN_GRACE_MS): the primary waits that long, plus a margin, for them to exit. */
  graceMs: number;
  log: Logger;
  respawnDelayMs?: number;
  maxRespawnDelayMs?: number;
  maxRespawnAttempts?: number;
}

/** Tells the primary (when there is one) that this worker serves. */
export function announceReady(): void {
  if (cluster.isWorker) process.send?.({ type: WORKER_READY });
}

function whenReady(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown) => {
      if ((message as { type?: string } | null)?.type !== WORKER_READY) return;
      worker.off('exit', onExit);
      resolve();
    };
    const onExit = (code: number | null, signal: string | null) => {
      worker.off('message', onMessage);
      reject(new Error(`worker ${worker.process.pid} exited before it was ready (${signal ?? `code ${code}`})`));
    };
    worker.on('message', onMessage);
    worker.once('exit', onExit);
  });
}

export async function runPrimary(options: ClusterOptions): Promise<void> {
  const { log } = options;
  const baseDelayMs = options.respawnDelayMs ?? DEFAULT_RESPAWN_DELAY_MS;
  const maxDelayMs = options.maxRespawnDelayMs ?? MAX_RESPAWN_DELAY_MS;
  const maxAttempts = options.maxRespawnAttempts ?? MAX_RESPAWN_ATTEMPTS;
  let stopping = false;
  /** Every worker forked and not yet exited (starting or serving). */
  const live = new Set<Worker>();
  /** The workers that announced ready and have not exited. */
  const ready = new Set<Worker>();
  aggregateWorkerMetrics({ readyWorkers: () => [...ready], log });

  const fork = async (): Promise<void> => {
    const worker = cluster.fork();
    live.add(worker);
    try {
      await whenReady(worker);
    } catch (error) {
      live.delete(worker);
      throw error;
    }
    ready.add(worker);
    log.info({ pid: worker.process.pid, workers: ready.size }, 'worker ready');
    // From now on an exit is a crash to heal, unless the primary is stopping.
    worker.once('exit', (code, signal) => {
      live.delete(worker);
      ready.delete(worker);
      if (stopping) return;
      log.error({ pid: worker.process.pid, code, signal }, 'worker died: starting another');
      replace(1);
    });
  };

  /** Attempt `attempt` at replacing a worker that died, after its delay; a replacement that dies before ready is tried again, up to maxAttempts. */
  const replace = (attempt: number) => {
    const delayMs = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    setTimeout(() => {
      if (stopping) return;
      fork().catch((error: Error) => {
        if (stopping) return;
        if (attempt < maxAttempts) {
          const retryInMs = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
          log.error({ err: error.message, attempt, maxAttempts, retryInMs }, 'the replacement worker died before it was ready: trying again');
          return replace(attempt + 1);
        }
        if (ready.size === 0) {
          log.fatal({ err: error.message, attempts: attempt }, 'no worker could be started again and none is left: stopping');
          return void stopWorkers().then(() => process.exit(1));
        }
        log.error({ err: error.message, attempts: attempt, workers: ready.size, wanted: options.workers }, 'gave up replacing a worker: serving with fewer workers');
      });
    }, delayMs);
  };

  const stopWorkers = async () => {
    stopping = true;
    const exits = [...live].map((worker) => new Promise((resolve) => (worker.isDead() ? resolve(null) : worker.once('exit', resolve))));
    for (const worker of live) worker.process.kill('SIGTERM');
    await Promise.all(exits);
  };
  // The workers get the grace period; the primary waits for them a little longer before it gives up.
  exitOnSignals({ graceMs: options.graceMs + FORCED_EXIT_MARGIN_MS, stop: stopWorkers, log });

  try {
    await fork();
    await Promise.all(Array.from({ length: options.workers - 1 }, fork));
  } catch (error) {
    log.fatal({ err: (error as Error).message }, 'a worker could not start: stopping');
    await stopWorkers();
    process.exit(1);
  }
  log.info({ workers: ready.size }, 'all workers ready');
}

// WORKERS > 1: this process becomes a node:cluster primary that serves nothing itself. Its workers
// each run the selected services and share their ports (the primary hands connections round-robin),
// so one machine's cores all serve. The first worker starts alone (it migrates, seeds and makes the
// job queue's schema); the others follow once it is ready. A worker that dies is replaced; one that
// dies before it was ever ready stops the whole start (a setting or the database is wrong, and
// retrying would only repeat the error). SIGTERM/SIGINT: every worker drains within the grace
// period, then the primary exits.
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../shared/logger';
import { exitOnSignals, FORCED_EXIT_MARGIN_MS } from '../shared/server/shutdown';

/** What a worker sends the primary once its services answer. */
export const WORKER_READY = 'loop-worker-ready';
/** Wait before replacing a worker that died, so a crash loop does not spin the CPU. */
export const DEFAULT_RESPAWN_DELAY_MS = 1_000;

export interface ClusterOptions {
  workers: number;
  /** The workers' own grace period (SHUTDOWN_GRACE_MS): the primary waits that long, plus a margin, for them to exit. */
  graceMs: number;
  log: Logger;
  respawnDelayMs?: number;
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
  let stopping = false;
  const live = new Set<Worker>();

  const fork = async (): Promise<void> => {
    const worker = cluster.fork();
    live.add(worker);
    await whenReady(worker);
    log.info({ pid: worker.process.pid, workers: live.size }, 'worker ready');
    // From now on an exit is a crash to heal, unless the primary is stopping.
    worker.once('exit', (code, signal) => {
      live.delete(worker);
      if (stopping) return;
      log.error({ pid: worker.process.pid, code, signal }, 'worker died: starting another');
      setTimeout(() => void fork().catch((error) => log.error({ err: error.message }, 'the replacement worker did not start')), options.respawnDelayMs ?? DEFAULT_RESPAWN_DELAY_MS);
    });
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
  log.info({ workers: live.size }, 'all workers ready');
}

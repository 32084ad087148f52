// The pool of worker threads that read PDFs (piscina): at most LAB_PDF_WORKERS at once, each
// with a capped heap (LAB_PDF_WORKER_MEMORY_MB, resourceLimits) and a hard deadline
// (LAB_EXTRACT_TIMEOUT_MS) after which the worker is terminated, not merely abandoned. A full
// queue refuses at once. pdf-parse is imported only inside the worker (pdf-worker.ts).
import path from 'node:path';
import { Piscina } from 'piscina';
import type { PdfOutcome, PdfTask } from './pdf-worker';

export interface PdfPoolOptions {
  /** Worker threads (LAB_PDF_WORKERS, default 1). */
  workers: number;
  /** Tasks waiting for a worker before new ones are refused (LAB_PDF_QUEUE, default 8). */
  queue: number;
  /** A worker's old-generation heap in MB (LAB_PDF_WORKER_MEMORY_MB, default 256). */
  memoryMb: number;
}

export class PdfPoolBusyError extends Error {}
export class PdfWorkerFailedError extends Error {}

const WORKER_FILE = path.join(__dirname, 'pdf-worker.ts');
/** A worker beyond the first ends after this long idle. */
const IDLE_TIMEOUT_MS = 60_000;

export function createPdfPool(options: PdfPoolOptions) {
  const pool = new Piscina<PdfTask, PdfOutcome>({
    filename: WORKER_FILE,
    // The worker is TypeScript: load it through tsx's loader, whatever runs this process.
    execArgv: ['--import', 'tsx'],
    // One worker stays once the first PDF came (the pool itself is made on first use). With no
    // minimum, piscina 5.1 under Jest never started a worker for the first task (seen here).
    minThreads: 1,
    maxThreads: options.workers,
    maxQueue: options.queue,
    idleTimeout: IDLE_TIMEOUT_MS,
    resourceLimits: { maxOldGenerationSizeMb: options.memoryMb, maxYoungGenerationSizeMb: Math.max(8, Math.floor(options.memoryMb / 8)) },
  });
  return {
    /** Reads a PDF in a worker; aborts (and terminates the worker) at the deadline. */
    async read(task: PdfTask, timeoutMs: number): Promise<PdfOutcome> {
      try {
        return await pool.run(task, { signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        const name = (error as Error)?.name;
        const message = (error as Error)?.message ?? '';
        if (name === 'AbortError' || name === 'TimeoutError') throw error;
        if (/queue is at limit|Task queue/i.test(message)) throw new PdfPoolBusyError(message);
        // Out of memory (ERR_WORKER_OUT_OF_MEMORY), or the worker died: the pool replaces it.
        throw new PdfWorkerFailedError(message);
      }
    },
    close: () => pool.destroy(),
  };
}

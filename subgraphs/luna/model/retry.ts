// Retries of one model step with exponential backoff and jitter. A step is retried only on a
// RetryableModelError and only while `mayRetry()` holds (the engine says no once any of the
// step's text has reached the user: a second attempt would repeat or contradict it).
import { RetryableModelError } from './provider';

export interface RetryPolicy {
  retries: number;
  baseMs: number;
  maxMs: number;
}

/** The wait before retry `n` (1-based): base·2^(n-1), capped, with ±25 % jitter. */
export function backoffMs(policy: RetryPolicy, n: number): number {
  const wait = Math.min(policy.maxMs, policy.baseMs * 2 ** (n - 1));
  return Math.round(wait * (0.75 + Math.random() * 0.5));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export class ModelGaveUpError extends Error {
  constructor(
    readonly last: RetryableModelError,
    readonly attempts: number,
  ) {
    super(`${last.message} (after ${attempts} attempt${attempts === 1 ? '' : 's'})`);
    this.name = 'ModelGaveUpError';
  }
}

export async function withRetries<T>(
  run: (attempt: number) => Promise<T>,
  options: RetryPolicy & { signal: AbortSignal; mayRetry: () => boolean; onRetry?: (error: RetryableModelError, attempt: number, waitMs: number) => void },
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run(attempt);
    } catch (error) {
      if (!(error instanceof RetryableModelError)) throw error;
      if (attempt > options.retries || !options.mayRetry()) throw new ModelGaveUpError(error, attempt);
      const wait = backoffMs(options, attempt);
      options.onRetry?.(error, attempt, wait);
      await sleep(wait, options.signal);
    }
  }
}

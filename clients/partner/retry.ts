// Retries with exponential backoff and jitter, honouring the server's Retry-After. A mutation
// is retried with one Idempotency-Key for all its attempts (withIdempotentRetries), so a retry of
// one that already ran gets its first result instead of running twice.
import { LoopGraphQLError, newIdempotencyKey } from '../sdk';

export interface RetryOptions {
  /** Attempts in all, the first included (default 5). */
  attempts?: number;
  /** First backoff in ms (default 500), doubled each time up to maxDelayMs (default 30 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  onRetry?(error: LoopGraphQLError, delayMs: number, attempt: number): void;
}

export async function withRetries<T>(run: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof LoopGraphQLError) || !error.retryable || attempt >= attempts) throw error;
      const backoff = Math.min(options.maxDelayMs ?? 30_000, (options.baseDelayMs ?? 500) * 2 ** (attempt - 1));
      const delayMs = error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 : backoff / 2 + Math.random() * (backoff / 2);
      options.onRetry?.(error, delayMs, attempt);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

/**
 * For a mutation: one fresh Idempotency-Key for the logical call, the same on every attempt, e.g.
 * `withIdempotentRetries((idempotencyKey) => client.request(Doc, vars, { idempotencyKey }))`.
 * A key still in use (the first attempt still running) is retryable too (LoopGraphQLError.retryable).
 */
export async function withIdempotentRetries<T>(run: (idempotencyKey: string) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const key = newIdempotencyKey();
  return withRetries(() => run(key), options);
}

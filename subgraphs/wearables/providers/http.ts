// Every request to a vendor goes through here: the provider's rate limit (its pacer: this
// process's token bucket, or with Redis one schedule every process shares:
// sync/vendor-pacing.ts), a timeout, and retries with exponential backoff on 429, 5xx and
// network errors (Retry-After wins when the vendor sends it). What is left after the retries is
// a VendorError that says whether trying again later could help.

export type VendorErrorKind = 'auth' | 'rate_limited' | 'server' | 'network' | 'client';

export class VendorError extends Error {
  constructor(
    message: string,
    readonly kind: VendorErrorKind,
    readonly status: number | null,
  ) {
    super(message);
  }

  /** Worth another attempt later (the queue retries the job); auth and client errors are not. */
  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'server' || this.kind === 'network';
  }
}

export interface RetryPolicy {
  maxAttempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  timeoutMs: number;
}

/** Decides when the next request to a vendor may go: `take()` resolves at its turn. */
export interface RequestPacer {
  take(): Promise<void>;
}

/** A token bucket in this process: `perSecond` sustained, up to `burst` at once. */
export class TokenBucket implements RequestPacer {
  private tokens: number;
  private last = Date.now();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  /** Resolves when one more request may go out; callers are served in order. */
  take(): Promise<void> {
    const turn = this.queue.then(async () => {
      for (;;) {
        const now = Date.now();
        this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
        this.last = now;
        if (this.tokens >= 1) {
          this.tokens -= 1;
          return;
        }
        await sleep(Math.ceil(((1 - this.tokens) / this.perSecond) * 1000));
      }
    });
    this.queue = turn.catch(() => {});
    return turn;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Seconds or an HTTP date, as Retry-After allows; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function backoff(policy: RetryPolicy, attempt: number, retryAfter: number | null): number {
  if (retryAfter !== null) return Math.min(retryAfter, policy.maxBackoffMs);
  const exponential = policy.backoffMs * 2 ** (attempt - 1);
  // Full jitter on half the delay: replicas retrying together do not stay in step.
  return Math.min(policy.maxBackoffMs, exponential / 2 + Math.random() * (exponential / 2));
}

function classify(status: number): VendorErrorKind {
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server';
  if (status === 401 || status === 403) return 'auth';
  return 'client';
}

async function errorDetail(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const detail = body.error_description ?? body.message ?? body.error ?? body.detail;
    if (typeof detail === 'string') return detail.slice(0, 200);
  } catch {
    // not JSON
  }
  return text.slice(0, 200);
}

export interface VendorRequest {
  url: string;
  init?: RequestInit;
  /** Names the vendor in errors ("Oura answered 503"). */
  label: string;
}

/** Sends the request with the rate limit and retries; returns the JSON body of a 2xx answer. */
export async function requestJson(request: VendorRequest, policy: RetryPolicy, limiter: RequestPacer): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    await limiter.take();
    let response: Response;
    try {
      response = await fetch(request.url, { ...request.init, redirect: 'manual', signal: AbortSignal.timeout(policy.timeoutMs) });
    } catch (error) {
      const failure = new VendorError(`${request.label} could not be reached: ${(error as Error).message}`, 'network', null);
      if (attempt >= policy.maxAttempts) throw failure;
      await sleep(backoff(policy, attempt, null));
      continue;
    }
    if (response.ok) {
      try {
        return await response.json();
      } catch {
        throw new VendorError(`${request.label} answered ${response.status} with a body that is not JSON`, 'server', response.status);
      }
    }
    const kind = classify(response.status);
    const failure = new VendorError(`${request.label} answered ${response.status}: ${await errorDetail(response)}`, kind, response.status);
    if ((kind === 'rate_limited' || kind === 'server') && attempt < policy.maxAttempts) {
      await sleep(backoff(policy, attempt, retryAfterMs(response.headers.get('retry-after'))));
      continue;
    }
    throw failure;
  }
}

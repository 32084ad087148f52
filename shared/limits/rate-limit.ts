// Fixed-window request counters, a window per key: partner credentials' requests (gateway),
// partner token requests per client address (the patient subgraph's issuePartnerToken, which
// POST /oauth/token runs too), uploads and Luna turns. In memory for one process; in Redis
// (REDIS_URL) so every replica of every service counts together.
import { connectRedis, type Redis } from '../redis';
import { serviceLogger } from '../logger';
import { REDIS_CHANNEL_PREFIX } from '../pubsub';

const log = serviceLogger('rate-limit');

/** The default window: one minute. */
export const RATE_LIMIT_WINDOW_MS = 60_000;

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the window resets (sent as Retry-After when refused). */
  retryAfterSeconds: number;
  remaining: number;
}

export interface RateLimiter {
  /** Counts one hit of `key` in its current window of `windowMs`. */
  hit(key: string, limit: number, windowMs?: number): Promise<RateDecision>;
  close(): Promise<void>;
}

function decision(count: number, limit: number, resetInMs: number): RateDecision {
  return { allowed: count <= limit, retryAfterSeconds: Math.max(1, Math.ceil(resetInMs / 1000)), remaining: Math.max(0, limit - count) };
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  async hit(key: string, limit: number, windowMs = RATE_LIMIT_WINDOW_MS): Promise<RateDecision> {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      if (this.windows.size > 10_000) for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
      window = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    return decision(window.count, limit, window.resetAt - now);
  }

  async close(): Promise<void> {}
}

export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis;

  constructor(url: string) {
    this.redis = connectRedis(url, { maxRetriesPerRequest: 2, lazyConnect: false });
    // Without a listener, ioredis reports every failed reconnection as an unhandled 'error' event.
    // A hit while Redis is away fails on its own (the caller answers it); ioredis reconnects by itself.
    this.redis.on('error', (error: Error) => log.warn({ err: error.message }, 'rate limiter: Redis unreachable, reconnecting'));
  }

  async hit(key: string, limit: number, windowMs = RATE_LIMIT_WINDOW_MS): Promise<RateDecision> {
    const redisKey = `${REDIS_CHANNEL_PREFIX}ratelimit:${key}`;
    // The first hit of a window sets its expiry; later hits only count.
    const results = await this.redis.multi().incr(redisKey).pexpire(redisKey, windowMs, 'NX').pttl(redisKey).exec();
    const count = Number(results?.[0]?.[1] ?? 0);
    const ttl = Number(results?.[2]?.[1] ?? windowMs);
    return decision(count, limit, ttl > 0 ? ttl : windowMs);
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

export const createRateLimiter = (redisUrl: string | undefined): RateLimiter => (redisUrl ? new RedisRateLimiter(redisUrl) : new MemoryRateLimiter());

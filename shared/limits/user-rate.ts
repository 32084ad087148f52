// Per-user rate limits on costly actions (a Luna turn, a lab-report upload): fixed windows per
// user, counted in Redis when REDIS_URL is set so every replica shares them (rate-limit.ts).
// Over a limit: RATE_LIMITED with `retryAfter` in seconds, before anything is stored or run.
import { GraphQLError } from 'graphql';
import type { Caller } from '../auth/caller';
import { ErrorCode } from '../graphql/errors';
import { createRateLimiter, type RateLimiter } from './rate-limit';
import { countingRejections, type RateLimitName } from './rate-limit-metrics';

export interface RateWindow {
  limit: number;
  windowMs: number;
  /** How the window reads in the error: "minute", "hour". */
  per: string;
}

export interface UserRateLimitOptions {
  /** What is counted, in keys and messages ("lab uploads"). */
  action: string;
  /** The limit's name in rate_limit_rejections_total, and the service counting it. */
  metric: { limit: RateLimitName; service: string };
  windows: RateWindow[];
  redisUrl: string | undefined;
}

/** A check to await before the action; `close` releases its Redis connection (the service stopping). */
export interface UserRateLimit {
  (caller: Caller): Promise<void>;
  close(): Promise<void>;
}

/** A check to await before the action: throws RATE_LIMITED once any window is full. */
export function userRateLimit(options: UserRateLimitOptions): UserRateLimit {
  let limiter: RateLimiter | undefined;
  const check = async (caller: Caller) => {
    const who = caller.partnerId ?? caller.userId;
    if (!who) return; // anonymous callers cannot reach these actions (RBAC refuses them)
    limiter ??= countingRejections(createRateLimiter(options.redisUrl), options.metric.limit, options.metric.service);
    for (const window of options.windows) {
      const decision = await limiter.hit(`${options.action}:${window.per}:${who}`, window.limit, window.windowMs);
      if (!decision.allowed) {
        throw new GraphQLError(`At most ${window.limit} ${options.action} per ${window.per}; retry in ${decision.retryAfterSeconds} s`, {
          extensions: { code: ErrorCode.RATE_LIMITED, retryAfter: decision.retryAfterSeconds },
        });
      }
    }
  };
  return Object.assign(check, { close: async () => limiter?.close() });
}

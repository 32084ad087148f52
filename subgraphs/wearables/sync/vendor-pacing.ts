// How fast this deployment calls each vendor. A vendor's rate limit is for our app, not for one
// process: the API replicas (token exchanges), the sync workers and every cluster worker draw on
// it together. With REDIS_URL they take their turns from one schedule per provider in Redis (GCRA:
// each request reserves the next free slot in one round trip, and sleeps until it; no polling).
// Without Redis one process is all there is, and it paces itself. A process that cannot reach
// Redis paces itself until it can (warned once per outage): the vendor's 429s, which requestJson
// already backs off from, are the worst that can follow.
import type { WearableProvider } from '../../../generated/prisma/client';
import type { Logger } from '../../../shared/logger';
import { REDIS_CHANNEL_PREFIX } from '../../../shared/pubsub';
import { connectRedis, type Redis } from '../../../shared/redis';
import { PROVIDERS } from '../config';
import { pluginFor } from '../providers';
import { sleep, TokenBucket, type RequestPacer } from '../providers/http';

/** Where the schedules live in Redis: one key per provider, holding the time its next free slot ends. */
export const VENDOR_PACE_KEY_PREFIX = `${REDIS_CHANNEL_PREFIX}vendor-pace:`;
/** How long a turn may wait on Redis before the process paces itself instead. */
export const DEFAULT_PACE_TIMEOUT_MS = 1_000;

export interface VendorPacing {
  /** The pacer every request to this provider's API and token endpoints waits on. */
  pacer(provider: WearableProvider): RequestPacer;
  close(): Promise<void>;
}

const localBuckets = new Map<WearableProvider, TokenBucket>();

/** This process's own bucket per provider, shared by everything in the process. */
function localPacer(provider: WearableProvider): TokenBucket {
  let bucket = localBuckets.get(provider);
  if (!bucket) {
    const { perSecond, burst } = pluginFor(provider).rateLimit;
    bucket = new TokenBucket(perSecond, burst);
    localBuckets.set(provider, bucket);
  }
  return bucket;
}

export const localVendorPacing: VendorPacing = { pacer: localPacer, close: async () => {} };

// KEYS[1]: the provider's schedule (when the last reserved slot ends, in ms); ARGV: ms per
// request, burst. The slot after the last one is reserved; the request may go once no more than
// `burst` reserved slots lie ahead of now. Redis's clock, so every process reads the same time.
const RESERVE_TURN = `
local clock = redis.call('TIME')
local now = clock[1] * 1000 + clock[2] / 1000
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local reserved = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now) + interval
redis.call('SET', KEYS[1], string.format('%.3f', reserved), 'PX', math.ceil(reserved - now))
return math.ceil(math.max(0, reserved - burst * interval - now))`;

type PacingRedis = Redis & { reserveVendorTurn(key: string, intervalMs: number, burst: number): Promise<number> };

export interface SharedPacingOptions {
  log: Logger;
  /** Prefix of the schedules' keys (VENDOR_PACE_KEY_PREFIX); tests give their own. */
  keyPrefix?: string;
  /** DEFAULT_PACE_TIMEOUT_MS. */
  timeoutMs?: number;
}

/** One schedule per provider in Redis, shared by every process that uses the same Redis. */
export function sharedVendorPacing(redisUrl: string, options: SharedPacingOptions): VendorPacing {
  const { log, keyPrefix = VENDOR_PACE_KEY_PREFIX, timeoutMs = DEFAULT_PACE_TIMEOUT_MS } = options;
  const redis = connectRedis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1, commandTimeout: timeoutMs }) as PacingRedis;
  redis.defineCommand('reserveVendorTurn', { numberOfKeys: 1, lua: RESERVE_TURN });
  let away = false;
  redis.on('error', () => {}); // each failed turn is handled (and reported) below; ioredis reconnects by itself
  const pacer = (provider: WearableProvider): RequestPacer => {
    const { perSecond, burst } = pluginFor(provider).rateLimit;
    const key = `${keyPrefix}${provider}`;
    return {
      async take() {
        let waitMs: number;
        try {
          // Once Redis is known to be away, turns do not wait for it until it is connected again.
          if (away && redis.status !== 'ready') throw new Error(`Redis connection ${redis.status}`);
          waitMs = await redis.reserveVendorTurn(key, 1000 / perSecond, burst);
        } catch (error) {
          if (!away) log.warn({ err: (error as Error).message, provider }, 'vendor pacing: Redis unreachable, this process paces itself until it answers');
          away = true;
          return localPacer(provider).take();
        }
        if (away) log.info({ provider }, 'vendor pacing: Redis answers again, turns are shared');
        away = false;
        if (waitMs > 0) await sleep(waitMs);
      },
    };
  };
  const pacers = new Map(PROVIDERS.map((provider) => [provider, pacer(provider)]));
  return {
    pacer: (provider) => pacers.get(provider)!,
    async close() {
      redis.disconnect();
    },
  };
}

export const startVendorPacing = (redisUrl: string | undefined, log: Logger): VendorPacing => (redisUrl ? sharedVendorPacing(redisUrl, { log }) : localVendorPacing);

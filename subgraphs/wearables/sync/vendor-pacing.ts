// How fast this deployment calls each vendor. A vendor's rate limit is for our app, not for one
// process: the API replicas (token exchanges), the sync workers and every cluster worker draw on
// it together. With REDIS_URL they take their turns from one schedule per provider in Redis (GCRA:
// each request reserves the next free slot in one round trip, and sleeps until it; no polling).
// Without Redis one process is all there is, and it paces itself. A process that cannot reach
// Redis (refused, or no answer within the timeout) paces itself until a PING answers again
// (warned once per outage): the vendor's 429s, which requestJson already backs off from, are the
// worst that can follow. No turn waits longer than the longest wait: beyond it the request fails
// as rate limited (retryable: the sync queue tries the job again later).
import type { WearableProvider } from '../../../generated/prisma/client';
import type { Logger } from '../../../shared/logger';
import { REDIS_CHANNEL_PREFIX } from '../../../shared/pubsub';
import { connectRedis, type Redis } from '../../../shared/redis';
import { PROVIDERS } from '../config';
import { pluginFor } from '../providers';
import { sleep, TokenBucket, VendorError, type RequestPacer } from '../providers/http';

/** Where the schedules live in Redis: one key per provider, holding the time its last booked slot ends. */
export const VENDOR_PACE_KEY_PREFIX = `${REDIS_CHANNEL_PREFIX}vendor-pace:`;
/** How long a turn may wait on Redis (and, at start, for its connection) before the process paces itself instead. */
export const DEFAULT_PACE_TIMEOUT_MS = 1_000;
/**
 * The longest a request waits for its turn. Only requests that are waiting book turns, so with a
 * few sync workers per process the schedule is seconds ahead at most; a longer wait means far
 * more callers than that, and failing (to be retried) beats holding a request that long.
 */
export const DEFAULT_MAX_PACE_WAIT_MS = 30_000;

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

// KEYS[1]: the provider's schedule (when its last booked slot ends, in ms). ARGV: ms per request,
// burst, longest wait. The slot after the last one is booked; the request may go once no more
// than `burst` booked slots lie ahead of now. Redis's clock, so every process reads the same time.
// Returns the ms to wait, or -1 (nothing booked) when that would be longer than the longest wait.
const RESERVE_TURN = `
local clock = redis.call('TIME')
local now = clock[1] * 1000 + clock[2] / 1000
local interval, burst, longest = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local booked = tonumber(redis.call('GET', KEYS[1]) or '0')
-- Never booked this far ahead: a schedule past it was written before Redis's clock stepped back.
if booked > now + longest + burst * interval then booked = now end
local reserved = math.max(booked, now) + interval
local wait = reserved - burst * interval - now
if wait > longest then return -1 end
redis.call('SET', KEYS[1], string.format('%.3f', reserved), 'PX', math.ceil(reserved - now))
return math.ceil(math.max(0, wait))`;

type PacingRedis = Redis & { reserveVendorTurn(key: string, intervalMs: number, burst: number, longestWaitMs: number): Promise<number> };

export interface SharedPacingOptions {
  log: Logger;
  /** Prefix of the schedules' keys (VENDOR_PACE_KEY_PREFIX); tests give their own. */
  keyPrefix?: string;
  /** DEFAULT_PACE_TIMEOUT_MS. */
  timeoutMs?: number;
  /** DEFAULT_MAX_PACE_WAIT_MS. */
  maxWaitMs?: number;
}

/** One schedule per provider in Redis, shared by every process that uses the same Redis. */
export function sharedVendorPacing(redisUrl: string, options: SharedPacingOptions): VendorPacing {
  const { log, keyPrefix = VENDOR_PACE_KEY_PREFIX, timeoutMs = DEFAULT_PACE_TIMEOUT_MS, maxWaitMs = DEFAULT_MAX_PACE_WAIT_MS } = options;
  // Nothing queued or resent while Redis is away: a booking sent late would push back every
  // process's schedule after the turn it was for was taken here.
  const redis = connectRedis(redisUrl, {
    lazyConnect: false,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    commandTimeout: timeoutMs,
  }) as PacingRedis;
  redis.defineCommand('reserveVendorTurn', { numberOfKeys: 1, lua: RESERVE_TURN });
  redis.on('error', () => {}); // a failed booking is handled (and reported) below; ioredis reconnects by itself
  const firstConnection = new Promise<void>((resolve) => redis.once('ready', resolve));
  let away = false;
  let probing = false;
  let closed = false;

  /** After a failure, one PING at a time: turns go back to Redis once it answers. */
  const probe = () => {
    if (probing || closed) return;
    probing = true;
    redis
      .ping()
      .then(() => {
        away = false;
        log.info('vendor pacing: Redis answers again, turns are shared');
      })
      .catch(() => {})
      .finally(() => (probing = false));
  };

  /** The ms to wait for a booked turn, -1 if none is free soon enough, or null: pace locally. */
  const book = async (key: string, intervalMs: number, burst: number): Promise<number | null> => {
    if (closed) return null;
    if (away) return probe(), null;
    if (redis.status !== 'ready') await Promise.race([firstConnection, sleep(timeoutMs)]);
    try {
      return await redis.reserveVendorTurn(key, intervalMs, burst, maxWaitMs);
    } catch (error) {
      if (closed) return null;
      if (!away) log.warn({ err: (error as Error).message }, 'vendor pacing: Redis unreachable, this process paces itself until it answers');
      away = true;
      return null;
    }
  };

  const pacer = (provider: WearableProvider): RequestPacer => {
    const { perSecond, burst } = pluginFor(provider).rateLimit;
    const key = `${keyPrefix}${provider}`;
    return {
      async take() {
        const waitMs = await book(key, 1000 / perSecond, burst);
        if (waitMs === null) return localPacer(provider).take();
        if (waitMs < 0) throw new VendorError(`${pluginFor(provider).label}: no turn free within ${maxWaitMs / 1000} s under its rate limit`, 'rate_limited', null);
        if (waitMs > 0) await sleep(waitMs);
      },
    };
  };
  const pacers = new Map(PROVIDERS.map((provider) => [provider, pacer(provider)]));
  return {
    pacer: (provider) => pacers.get(provider)!,
    async close() {
      closed = true;
      redis.disconnect();
    },
  };
}

export const startVendorPacing = (redisUrl: string | undefined, log: Logger): VendorPacing => (redisUrl ? sharedVendorPacing(redisUrl, { log }) : localVendorPacing);

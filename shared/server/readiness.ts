// GET /readyz for a service: may this replica take traffic? Each dependency it cannot serve
// without (the database, Redis when configured) is checked with a short deadline; the answer
// is 200 when all are up, else 503, with a JSON body naming each dependency and its state
// (docs/architecture.md, contract additions). /healthz stays the cheap "process is up" answer.
import type { RequestHandler } from 'express';
import { connectRedis, type Redis } from '../redis';
import { isDraining } from './shutdown';

/** How long one dependency may take to answer; a Kubernetes readiness probe's timeout must exceed it. */
export const DEFAULT_READINESS_CHECK_TIMEOUT_MS = 1_000;

export type DependencyState = 'up' | 'down';

export interface ReadinessCheck {
  /** How the body names it: `database`, `redis`, `gateway`… */
  name: string;
  /** Resolves when the dependency answers; rejects (or outlives the deadline) when it does not. */
  check(): Promise<unknown>;
}

export interface ReadinessReport {
  /** `stopping`: the process received SIGTERM and drains (shutdown.ts); nothing is checked. */
  status: 'ready' | 'unavailable' | 'stopping';
  dependencies: Record<string, DependencyState>;
}

export interface ReadinessOptions {
  checks: ReadinessCheck[];
  /** Deadline per check (default DEFAULT_READINESS_CHECK_TIMEOUT_MS). */
  timeoutMs?: number;
}

function within(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Runs every check at once, each under the deadline. */
export async function checkReadiness(options: ReadinessOptions): Promise<ReadinessReport> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_READINESS_CHECK_TIMEOUT_MS;
  const states = await Promise.all(
    options.checks.map(async ({ name, check }) => {
      try {
        await within(Promise.resolve().then(check), timeoutMs);
        return [name, 'up'] as const;
      } catch {
        return [name, 'down'] as const;
      }
    }),
  );
  const dependencies = Object.fromEntries(states) as Record<string, DependencyState>;
  return { status: states.every(([, state]) => state === 'up') ? 'ready' : 'unavailable', dependencies };
}

export function readinessEndpoint(options: ReadinessOptions): RequestHandler {
  return async (_req, res) => {
    if (isDraining()) return void res.status(503).json({ status: 'stopping', dependencies: {} } satisfies ReadinessReport);
    const report = await checkReadiness(options);
    res.status(report.status === 'ready' ? 200 : 503).json(report);
  };
}

/** The database answers a trivial statement (`query` runs raw SQL outside Prisma, so probes are not counted as the app's statements). */
export function databaseCheck(query: (sql: string) => Promise<unknown>): ReadinessCheck {
  return { name: 'database', check: () => query('SELECT 1') };
}

/** `url` answers a GET with a 2xx status (another service's /healthz). */
export function httpCheck(name: string, url: string, timeoutMs = DEFAULT_READINESS_CHECK_TIMEOUT_MS): ReadinessCheck {
  return {
    name,
    async check() {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    },
  };
}

/**
 * Redis answers PING, on a connection of the probe's own (the pub/sub connections are busy
 * subscribing): it does not queue commands while disconnected, so a down Redis fails the check
 * at once instead of at the deadline. `close()` ends it.
 */
export function redisCheck(url: string, timeoutMs = DEFAULT_READINESS_CHECK_TIMEOUT_MS): ReadinessCheck & { close(): Promise<void> } {
  const redis = connectRedis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: timeoutMs });
  redis.on('error', () => {
    // Reported by the check; ioredis reconnects on its own.
  });
  let connecting: Promise<void> | null = null;
  return {
    name: 'redis',
    async check() {
      // Connect on the first probe; afterwards ioredis reconnects by itself.
      if (redis.status === 'wait') connecting ??= redis.connect().finally(() => (connecting = null));
      if (connecting) await connecting;
      return redis.ping();
    },
    async close() {
      redis.disconnect();
    },
  };
}

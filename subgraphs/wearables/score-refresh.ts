// The health score's wearables part slides with time (a day leaves the 14-day window at each
// UTC midnight) even when no reading arrives, so labs' copy is refreshed: every patient with
// data in the window is recomputed and sent (score-parts.ts) at each start of a wearables
// process (which also fills a database that predates the copy) and daily just after midnight
// UTC. Both are jobs on the process's job queue: the start-up one once however many processes
// start together, the daily one sent by each run for the next day (no cron needed), once per day.
import type PgBoss from 'pg-boss';
import type { Clock } from '../../shared/clock';
import type { Prisma } from '../../shared/db/database';
import type { Logger } from '../../shared/logger';
import type { JobQueue } from '../../shared/queue/jobs';
import { ensureWearablesScorePartQueue, wearablesScorePartsSent } from '../../shared/domain/wearables-score';
import { refreshScoreParts } from './score-parts';

export const SCORE_REFRESH_QUEUE = 'wearables-score-refresh';
/** How long after UTC midnight the daily refresh is due (the window has moved on at midnight). */
export const REFRESH_AFTER_MIDNIGHT_MS = 60_000;
/** How often an idle worker looks for a due refresh (a daily job is taken at most this late). */
const POLLING_INTERVAL_SECONDS = 30;
/** "short": one waiting job per key (the start-up key, or the day's), however often it is sent. */
const REFRESH_QUEUE_OPTIONS = { policy: 'short', retryLimit: 5, retryDelay: 30, retryBackoff: true } as const;

export interface ScoreRefreshDeps {
  prisma: Prisma;
  jobQueue: JobQueue;
  clock: Clock;
  log: Logger;
}

/** The next daily refresh: its key (the day) and when it is due. */
export function nextDailyRefresh(now: Date): { key: string; at: Date } {
  const midnight = Date.parse(`${now.toISOString().slice(0, 10)}T00:00:00.000Z`) + 86_400_000;
  return { key: `daily:${new Date(midnight).toISOString().slice(0, 10)}`, at: new Date(midnight + REFRESH_AFTER_MIDNIGHT_MS) };
}

async function scheduleNext(deps: ScoreRefreshDeps): Promise<void> {
  const next = nextDailyRefresh(deps.clock.now());
  await deps.jobQueue.boss.send(SCORE_REFRESH_QUEUE, {}, { singletonKey: next.key, startAfter: next.at } as PgBoss.SendOptions);
}

/** Recomputes and sends every patient's part; returns how many were sent. */
export async function runScoreRefresh(deps: ScoreRefreshDeps): Promise<number> {
  const sent = await refreshScoreParts(deps.prisma, deps.jobQueue, deps.clock.now());
  if (sent) wearablesScorePartsSent(deps.jobQueue);
  return sent;
}

/** For the wearables process's start: the queues, the worker, a start-up refresh and the next daily one. */
export async function startScoreRefresh(deps: ScoreRefreshDeps): Promise<void> {
  await ensureWearablesScorePartQueue(deps.jobQueue);
  await deps.jobQueue.ensureQueue(SCORE_REFRESH_QUEUE, REFRESH_QUEUE_OPTIONS);
  await deps.jobQueue.work(SCORE_REFRESH_QUEUE, { pollingIntervalSeconds: POLLING_INTERVAL_SECONDS }, async () => {
    const sent = await runScoreRefresh(deps);
    deps.log.info({ patients: sent }, 'health score wearables parts refreshed');
    await scheduleNext(deps);
  });
  await deps.jobQueue.boss.send(SCORE_REFRESH_QUEUE, {}, { singletonKey: 'start' } as PgBoss.SendOptions);
  await scheduleNext(deps);
  deps.jobQueue.wake(SCORE_REFRESH_QUEUE);
}

// The contract for handing the health score's wearables part from wearables (which computes it
// from its daily stats) to labs (which owns the health score and keeps a copy of the part in
// its own table, so the score needs no second stage of the query plan). Wearables sends the
// part as a job on the process's job queue inside the transaction of the write that changed it
// (the job exists exactly when the change does, survives any restart, and waits while no labs
// worker runs), and again for every patient with data in the window once a day and at start,
// because the window slides with time. Labs' worker keeps, per patient, the part computed last.
import type PgBoss from 'pg-boss';
import type { JobQueue } from '../queue/jobs';
import { transactionDb, type RawTransaction } from '../queue/sql';
import { withTraceContext } from '../observability/job-tracing';

/** The part covers the daily stats of this many days, today (UTC) included. */
export const SCORE_WINDOW_DAYS = 14;

/** The first day (midnight UTC) of the score's window ending on `now`'s UTC date. */
export function scoreWindowStart(now = new Date()): Date {
  return new Date(Date.parse(`${now.toISOString().slice(0, 10)}T00:00:00.000Z`) - (SCORE_WINDOW_DAYS - 1) * 86_400_000);
}

/** The queue labs works. */
export const WEARABLES_SCORE_PART_QUEUE = 'wearables-score-parts';
/**
 * "standard": every part sent is kept until worked (a newer one never replaces a waiting one in
 * the queue: labs compares computedAt); a batch labs could not store yet is retried.
 */
const PART_QUEUE_OPTIONS = { policy: 'standard', retryLimit: 20, retryDelay: 5, retryBackoff: true } as const;

export interface WearablesScoreComponent {
  name: string;
  score: number;
  detail: string;
}

/** One patient's wearables part, as wearables computed it. */
export interface WearablesScorePartMessage {
  patientId: string;
  /** 0-100; null when the patient has no data in the window (then components is empty). */
  score: number | null;
  components: WearablesScoreComponent[];
  /** YYYY-MM-DD: the window's first day. */
  windowStart: string;
  /** YYYY-MM-DD: the latest day with data in the window; null without data. */
  lastDay: string | null;
  /** ISO instant, the database's clock under the patient's stats lock: the later part wins. */
  computedAt: string;
}

export interface WearablesScorePartsJob {
  parts: WearablesScorePartMessage[];
}

/**
 * Every process that sends or stores parts creates the queue at start (a job sent to a queue
 * that does not exist yet would be dropped): wearables may start before labs.
 */
export async function ensureWearablesScorePartQueue(queue: JobQueue): Promise<void> {
  await queue.ensureQueue(WEARABLES_SCORE_PART_QUEUE, PART_QUEUE_OPTIONS);
}

/**
 * Sends the parts in the caller's open transaction: nothing is sent if it rolls back. Call
 * `wearablesScorePartsSent(queue)` after it commits so a labs worker in this process takes them at once.
 */
export async function sendWearablesScoreParts(queue: JobQueue, tx: RawTransaction, parts: readonly WearablesScorePartMessage[]): Promise<void> {
  if (parts.length === 0) return;
  const job: WearablesScorePartsJob = { parts: [...parts] };
  await queue.boss.send(WEARABLES_SCORE_PART_QUEUE, withTraceContext(job), { db: transactionDb(tx) } as PgBoss.SendOptions);
}

/** After the sending transaction commits: wakes this process's labs worker, if it has one (others poll). */
export function wearablesScorePartsSent(queue: JobQueue): void {
  queue.wake(WEARABLES_SCORE_PART_QUEUE);
}

// Storing a batch of readings: validation against the metric table, an idempotent insert, the
// daily-stat recomputation, the health score's new wearables part for labs (a job), the
// sustained anomalies they reveal (care alerts) and the wearableReadingAdded events (one outbox
// row), all in one transaction.
import { careAlertsRaised } from '../../shared/domain/care-alerts';
import { topics } from '../../shared/pubsub';
import { transactionWithEvents } from '../../shared/outbox';
import type { Prisma } from '../../shared/db/database';
import type { JobQueue } from '../../shared/queue/jobs';
import { badUserInput } from '../../shared/graphql/errors';
import type { GlucoseTrend, WearableDailyStat, WearableMetric, WearableProvider } from '../../generated/prisma/client';
import { lockPatientStats, recomputeDailyStats, touchedDays, type Tx } from './daily-stats';
import { raiseAnomalies } from './anomalies';
import { readingProblem } from './metrics';
import { SCORE_METRICS } from './score';
import { sendScorePart } from './score-parts';
import { wearablesScorePartsSent } from '../../shared/domain/wearables-score';

export const MAX_READINGS_PER_BATCH = 1000;
/** Device clocks run a little ahead; more than this in the future is not a measurement. */
const FUTURE_SKEW_MS = 5 * 60_000;
const EARLIEST_READING = Date.UTC(2000, 0, 1);

export interface WearableReadingInput {
  provider: WearableProvider;
  metric: WearableMetric;
  value: number;
  unit: string;
  recordedAt: Date;
  providerReadingId: string;
  /** A CGM reading's trend arrow (Dexcom); kept with the patient's glucose readings. */
  trend?: GlucoseTrend | null;
}

export interface RecordReadingsResult {
  inserted: number;
  skipped: number;
  days: WearableDailyStat[];
}

/** Refuses the whole batch at the first implausible reading, naming it (`readings[3].value`). */
export function validateReadings(readings: readonly WearableReadingInput[], now = new Date()): WearableReadingInput[] {
  if (readings.length > MAX_READINGS_PER_BATCH) throw badUserInput('readings', `at most ${MAX_READINGS_PER_BATCH} readings per call`);
  return readings.map((reading, i) => {
    const path = `readings[${i}]`;
    const problem = readingProblem(reading.metric, reading.value, reading.unit);
    if (problem) throw badUserInput(`${path}.${problem.field}`, problem.reason);
    const at = reading.recordedAt.getTime();
    if (at > now.getTime() + FUTURE_SKEW_MS) throw badUserInput(`${path}.recordedAt`, 'is in the future');
    if (at < EARLIEST_READING) throw badUserInput(`${path}.recordedAt`, 'is before 2000-01-01');
    const providerReadingId = reading.providerReadingId.trim();
    if (!providerReadingId || providerReadingId.length > 200) throw badUserInput(`${path}.providerReadingId`, 'must be 1 to 200 characters');
    return { ...reading, providerReadingId };
  });
}

/** The new Dexcom glucose readings as CGM readings, and the CGM's last reading time. */
async function recordCgmReadings(
  tx: Tx,
  profileId: string,
  readings: readonly WearableReadingInput[],
  inserted: readonly { provider: WearableProvider; metric: WearableMetric; value: number; recordedAt: Date; providerReadingId: string }[],
): Promise<void> {
  const glucose = inserted.filter((reading) => reading.provider === 'DEXCOM' && reading.metric === 'GLUCOSE');
  if (glucose.length === 0) return;
  const trends = new Map(readings.map((reading) => [reading.providerReadingId, reading.trend]));
  await tx.glucoseReading.createMany({
    data: glucose.map((reading) => ({
      profileId,
      valueMgDl: reading.value,
      trend: trends.get(reading.providerReadingId) ?? 'NOT_COMPUTABLE',
      recordedAt: reading.recordedAt,
      providerReadingId: reading.providerReadingId,
    })),
    skipDuplicates: true,
  });
  const latest = new Date(Math.max(...glucose.map((reading) => reading.recordedAt.getTime())));
  await tx.$executeRaw`
    UPDATE "health"."patient_cgm_connections" SET last_reading_at = GREATEST(COALESCE(last_reading_at, ${latest}::timestamptz), ${latest}::timestamptz)
    WHERE profile_id = ${profileId}::uuid AND provider = 'DEXCOM'`;
}

/**
 * Inserts the readings that are not stored yet (unique on provider + providerReadingId) and
 * recomputes the daily stats of the (metric, local day) pairs they fall on. Re-sending a batch
 * writes nothing. `timeZone` is the patient's; callers validate the readings first. This is the
 * one write path of readings: the GraphQL mutation and the provider sync both come through it.
 * Dexcom glucose readings also become the patient's CGM glucose readings (with their trend).
 * Anomalies are raised as care alerts on `jobQueue`; when a stat the health score reads changed,
 * labs is sent the patient's new wearables part on it (score-parts.ts), computed at `now`.
 */
export async function recordReadings(
  prisma: Prisma,
  jobQueue: JobQueue,
  profileId: string,
  timeZone: string,
  readings: readonly WearableReadingInput[],
  now: Date = new Date(),
): Promise<RecordReadingsResult> {
  if (readings.length === 0) return { inserted: 0, skipped: 0, days: [] };
  const result = await transactionWithEvents(
    prisma,
    async (tx, emit) => {
      await lockPatientStats(tx, profileId);
      const inserted = await tx.wearableReading.createManyAndReturn({
        data: readings.map(({ trend: _trend, ...reading }) => ({ profileId, ...reading })),
        skipDuplicates: true,
      });
      await recordCgmReadings(tx, profileId, readings, inserted);
      const touched = touchedDays(inserted, timeZone);
      const days = await recomputeDailyStats(tx, profileId, timeZone, touched);
      const scored = touched.some((pair) => SCORE_METRICS.includes(pair.metric));
      if (scored) await sendScorePart(tx, jobQueue, profileId, now);
      const alerts = await raiseAnomalies(jobQueue, tx, profileId, inserted);
      // Live subscribers hear of each new reading once it is committed (never of a rolled-back one).
      const topic = topics.wearableReadingAdded(profileId);
      for (const reading of inserted) emit(topic, reading);
      return { inserted: inserted.length, skipped: readings.length - inserted.length, days, alerts, scored };
    },
    { maxWait: 10_000, timeout: 60_000 },
  );
  const { alerts, scored, ...counts } = result;
  if (alerts) careAlertsRaised(jobQueue);
  if (scored) wearablesScorePartsSent(jobQueue);
  return counts;
}

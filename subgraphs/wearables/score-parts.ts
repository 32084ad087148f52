// The wearables part of the health score as labs keeps it (shared/domain/wearables-score.ts):
// computed here from the daily stats, in the transaction that changed them, under the patient's
// stats lock (so of two parts the later computed has seen every write the earlier saw), and
// sent to labs as a job in that same transaction. The daily and start-up refresh
// (score-refresh.ts) recomputes every patient with data in the window the same way, since the
// window slides with time; the seed fills labs' copy with the same computation.
import { Prisma as Sql } from '../../generated/prisma/client';
import type { JobQueue } from '../../shared/queue/jobs';
import { sendWearablesScoreParts, type WearablesScorePartMessage } from '../../shared/domain/wearables-score';
import type { Prisma } from '../../shared/db/database';
import { SCORE_METRICS, scoreWindowStart, wearableScore, type MetricMean } from './score';
import { lockPatientsStats, type Tx } from './daily-stats';

/** What runs the aggregation: a transaction, or the client itself (the seed). */
type Query = Pick<Tx, '$queryRaw'>;

/** Patients per refresh transaction (their stats locks are held while their parts are computed and sent). */
export const REFRESH_BATCH_PATIENTS = 200;

const day = (date: Date) => date.toISOString().slice(0, 10);

type MeansRow = MetricMean & { profileId: string; lastDay: string };

/**
 * Per patient and score metric, the mean of the daily averages in the window starting
 * `windowStart`, the number of days and the latest day: aggregated by the database.
 */
const meansSql = (profileIds: readonly string[], windowStart: Date) => Sql.sql`
  SELECT s.profile_id::text AS "profileId", s.metric::text AS metric, avg(s.avg)::float8 AS mean, count(*)::int AS days, max(s.day)::text AS "lastDay"
    FROM "patient_graph"."patient_wearable_daily_stats" s
   WHERE s.profile_id = ANY(${[...profileIds]}::uuid[])
     AND s.metric::text = ANY(${SCORE_METRICS}::text[])
     AND s.day >= ${day(windowStart)}::date
   GROUP BY s.profile_id, s.metric`;

/** The means alone (Patient.wearableScore's loader). */
export const scoreMeans = (client: Query, profileIds: readonly string[], windowStart: Date) => client.$queryRaw<MeansRow[]>(meansSql(profileIds, windowStart));

/** The parts of `profileIds` (one each, null-scored without data in the window), stamped with the database's clock. */
export async function computeScoreParts(client: Query, profileIds: readonly string[], now: Date): Promise<WearablesScorePartMessage[]> {
  if (profileIds.length === 0) return [];
  const windowStart = scoreWindowStart(now);
  // One statement: the stamp (taken once, after the caller's locks: a part computed later has seen every write before it) and the means.
  const rows = await client.$queryRaw<({ at: string } & Partial<MeansRow>)[]>(Sql.sql`
    WITH stamp AS (SELECT to_json(clock_timestamp()) #>> '{}' AS at)
    SELECT stamp.at, means.* FROM stamp LEFT JOIN (${meansSql(profileIds, windowStart)}) AS means ON true`);
  const at = rows[0].at;
  const byPatient = new Map<string, MeansRow[]>();
  for (const row of rows) if (row.profileId) byPatient.set(row.profileId, [...(byPatient.get(row.profileId) ?? []), row as MeansRow]);
  return [...new Set(profileIds.map((id) => id.toLowerCase()))].map((patientId) => {
    const means = byPatient.get(patientId) ?? [];
    const part = wearableScore(means);
    const lastDay = part ? means.map((row) => row.lastDay).sort().at(-1)! : null;
    return { patientId, score: part?.score ?? null, components: part?.components ?? [], windowStart: day(windowStart), lastDay, computedAt: at };
  });
}

/**
 * In recordReadings' transaction, after the daily stats are recomputed (the patient's stats
 * lock held): sends labs the patient's new part. The caller wakes the labs worker after the commit.
 */
export async function sendScorePart(tx: Tx, jobQueue: JobQueue, profileId: string, now: Date): Promise<void> {
  await sendWearablesScoreParts(jobQueue, tx, await computeScoreParts(tx, [profileId], now));
}

/**
 * Sends the part of every patient with score data in today's window, REFRESH_BATCH_PATIENTS
 * patients per transaction, each batch under its patients' stats locks. Returns how many.
 */
export async function refreshScoreParts(prisma: Prisma, jobQueue: JobQueue, now: Date, batch = REFRESH_BATCH_PATIENTS): Promise<number> {
  const windowStart = scoreWindowStart(now);
  let after = '00000000-0000-0000-0000-000000000000';
  let sent = 0;
  for (;;) {
    const ids = (
      await prisma.$queryRaw<{ id: string }[]>`
        SELECT DISTINCT s.profile_id::text AS id
          FROM "patient_graph"."patient_wearable_daily_stats" s
         WHERE s.metric::text = ANY(${SCORE_METRICS}::text[]) AND s.day >= ${day(windowStart)}::date AND s.profile_id > ${after}::uuid
         ORDER BY 1 LIMIT ${batch}`
    ).map((row) => row.id);
    if (ids.length === 0) return sent;
    await prisma.$transaction(async (tx) => {
      await lockPatientsStats(tx, ids);
      await sendWearablesScoreParts(jobQueue, tx, await computeScoreParts(tx, ids, now));
    });
    sent += ids.length;
    after = ids[ids.length - 1];
  }
}

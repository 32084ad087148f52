// Daily statistics (min / max / avg / count per metric per local calendar day) derived from
// the raw readings. Recomputed from the readings themselves, never incremented, so running
// it twice or after a partial failure gives the same rows. Used by recordWearableReadings
// and by the provider sync.
import type { Prisma as PrismaNamespace, WearableDailyStat, WearableMetric } from '../../generated/prisma/client';
import { standardUnit } from './metrics';

/** An interactive transaction's client (what `prisma.$transaction(async (tx) => …)` passes). */
export type Tx = PrismaNamespace.TransactionClient;

export interface MetricDay {
  metric: WearableMetric;
  /** YYYY-MM-DD in the patient's time zone. */
  day: string;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, format);
  }
  return format;
}

/** A zone Intl knows; anything else (a damaged profile row) counts as UTC rather than failing the write. */
export function safeTimeZone(zone: string | null | undefined): string {
  if (!zone) return 'UTC';
  try {
    formatter(zone);
    return zone;
  } catch {
    return 'UTC';
  }
}

/** The calendar day (YYYY-MM-DD) that `instant` falls on in `timeZone`. */
export function localDay(instant: Date, timeZone: string): string {
  const parts = formatter(timeZone).formatToParts(instant);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** The distinct (metric, local day) pairs a set of readings falls on. */
export function touchedDays(readings: readonly { metric: WearableMetric; recordedAt: Date }[], timeZone: string): MetricDay[] {
  const seen = new Map<string, MetricDay>();
  for (const reading of readings) {
    const day = localDay(reading.recordedAt, timeZone);
    seen.set(`${reading.metric}|${day}`, { metric: reading.metric, day });
  }
  return [...seen.values()];
}

export function summarize(values: readonly number[]): { min: number; max: number; avg: number; count: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
    sum += value;
  }
  return { min, max, avg: sum / values.length, count: values.length };
}

/**
 * Serialises stat recomputation per patient until the transaction ends: two batches for the
 * same patient and day would otherwise each see only their own uncommitted readings and the
 * last upsert would lose the other's. Call first thing in the transaction.
 */
export async function lockPatientStats(tx: Tx, profileId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(7242, hashtext(${profileId}))`;
}

/**
 * The same lock for several patients (the score refresh, score-parts.ts), taken in one order so
 * two holders of several cannot deadlock (a writer holds only its patient's).
 */
export async function lockPatientsStats(tx: Tx, profileIds: readonly string[]): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(7242, k) FROM (SELECT DISTINCT hashtext(id) AS k FROM unnest(${[...profileIds]}::text[]) AS id ORDER BY 1) AS keys`;
}

/**
 * Recomputes the stats of the given (metric, day) pairs of one patient from all its readings
 * and returns them ordered by day, then metric. A pair with no readings left loses its row.
 */
export async function recomputeDailyStats(tx: Tx, profileId: string, timeZone: string, pairs: readonly MetricDay[]): Promise<WearableDailyStat[]> {
  if (pairs.length === 0) return [];
  const zone = safeTimeZone(timeZone);
  const unique = [...new Map(pairs.map((pair) => [`${pair.metric}|${pair.day}`, pair])).values()];
  const wanted = new Map<string, number[]>(unique.map((pair) => [`${pair.metric}|${pair.day}`, []]));
  const days = unique.map((pair) => Date.parse(`${pair.day}T00:00:00.000Z`));
  // A local day lies within a day either side of the same UTC date (offsets are -12h..+14h).
  const readings = await tx.wearableReading.findMany({
    where: {
      profileId,
      metric: { in: [...new Set(unique.map((pair) => pair.metric))] },
      recordedAt: { gte: new Date(Math.min(...days) - DAY_MS), lt: new Date(Math.max(...days) + 2 * DAY_MS) },
    },
    select: { metric: true, value: true, recordedAt: true },
  });
  for (const reading of readings) {
    wanted.get(`${reading.metric}|${localDay(reading.recordedAt, zone)}`)?.push(reading.value);
  }
  const stats: WearableDailyStat[] = [];
  for (const pair of unique) {
    const values = wanted.get(`${pair.metric}|${pair.day}`) ?? [];
    const where = { profileId, metric: pair.metric, day: new Date(`${pair.day}T00:00:00.000Z`) };
    if (values.length === 0) {
      await tx.wearableDailyStat.deleteMany({ where });
      continue;
    }
    const data = { ...summarize(values), unit: standardUnit(pair.metric) };
    stats.push(
      await tx.wearableDailyStat.upsert({ where: { profileId_metric_day: where }, create: { ...where, ...data }, update: data }),
    );
  }
  return stats.sort((a, b) => a.day.getTime() - b.day.getTime() || a.metric.localeCompare(b.metric));
}

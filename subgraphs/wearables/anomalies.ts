// Sustained anomalies in a patient's wearable data, found when readings are stored (the one
// write path: the mutation and every provider sync) and raised as care alerts in the same
// transaction. Each rule says what "sustained" means and where its threshold comes from; a
// single odd reading never alerts. Anomalies that ended more than ANOMALY_LOOKBACK_HOURS ago (a
// backfill of old data) are history, not something to act on now: they raise nothing.
import { raiseCareAlert, type CareAlertRequest, type CareAlertSeverity } from '../../shared/domain/care-alerts';
import type { JobQueue } from '../../shared/queue/jobs';
import type { WearableMetric } from '../../generated/prisma/client';
import type { Tx } from './daily-stats';

/** How recent an anomaly's end must be to raise an alert. */
export const ANOMALY_LOOKBACK_HOURS = 48;
/** CGM readings further apart than this do not make one continuous run. */
const MAX_GAP_MS = 20 * 60_000;
const DAY_MS = 86_400_000;

export const ANOMALY_RULES = {
  restingHeartRate: {
    metric: 'RESTING_HR' as WearableMetric,
    /** A day's average resting heart rate above this, for `days` local days in a row. */
    above: 100,
    days: 3,
    severity: 'MEDIUM' as CareAlertSeverity,
    source: 'Tachycardia: resting heart rate above 100 bpm (American Heart Association); sustained over 3 consecutive days of the wearable\'s daily averages',
  },
  hypoglycaemia: {
    metric: 'GLUCOSE' as WearableMetric,
    below: 54,
    minutes: 15,
    severity: 'HIGH' as CareAlertSeverity,
    source: 'Level 2 hypoglycaemia: CGM glucose below 54 mg/dL for at least 15 consecutive minutes (International Consensus on Time in Range, Battelino T et al., Diabetes Care 2019;42(8):1593-1603)',
  },
  hyperglycaemia: {
    metric: 'GLUCOSE' as WearableMetric,
    above: 250,
    minutes: 120,
    severity: 'MEDIUM' as CareAlertSeverity,
    source: 'Level 2 hyperglycaemia above 250 mg/dL held for 2 hours (after the extended hyperglycaemia event of Battelino T et al., Lancet Diabetes Endocrinol 2023;11(1):42-57)',
  },
};

interface Stored {
  metric: WearableMetric;
  recordedAt: Date;
}

type Point = { at: number; value: number };

/** Maximal runs of consecutive points that all meet `inRun`, with no gap longer than MAX_GAP_MS. */
function runs(points: readonly Point[], inRun: (value: number) => boolean): Point[][] {
  const out: Point[][] = [];
  let current: Point[] = [];
  for (const point of points) {
    const continues = current.length > 0 && point.at - current[current.length - 1].at <= MAX_GAP_MS;
    if (inRun(point.value) && (continues || current.length === 0)) current.push(point);
    else {
      if (current.length) out.push(current);
      current = inRun(point.value) ? [point] : [];
    }
  }
  if (current.length) out.push(current);
  return out;
}

function glucoseAlerts(profileId: string, points: Point[], now: number): CareAlertRequest[] {
  const { hypoglycaemia: low, hyperglycaemia: high } = ANOMALY_RULES;
  const recent = (run: Point[]) => run[run.length - 1].at >= now - ANOMALY_LOOKBACK_HOURS * 3600_000;
  const lasting = (run: Point[], minutes: number) => run[run.length - 1].at - run[0].at >= minutes * 60_000;
  const alert = (run: Point[], kind: 'low' | 'high'): CareAlertRequest => {
    const rule = kind === 'low' ? low : high;
    const extreme = kind === 'low' ? Math.min(...run.map((p) => p.value)) : Math.max(...run.map((p) => p.value));
    const minutes = Math.round((run[run.length - 1].at - run[0].at) / 60_000);
    const start = new Date(run[0].at).toISOString();
    return {
      key: `wearables:glucose-${kind}:${profileId}:${start}`,
      patientId: profileId,
      kind: 'WEARABLE_ANOMALY',
      severity: rule.severity,
      title: kind === 'low' ? `CGM glucose below ${low.below} mg/dL for ${minutes} minutes (lowest ${extreme})` : `CGM glucose above ${high.above} mg/dL for ${minutes} minutes (highest ${extreme})`,
      detail: { metric: 'GLUCOSE', unit: 'mg/dL', from: start, to: new Date(run[run.length - 1].at).toISOString(), readings: run.length, extreme, source: rule.source },
      source: { service: 'wearables', type: 'wearable_readings', id: `${profileId}:GLUCOSE:${start}` },
      occurredAt: new Date(run[run.length - 1].at).toISOString(),
    };
  };
  return [
    ...runs(points, (value) => value < low.below).filter((run) => lasting(run, low.minutes) && recent(run)).map((run) => alert(run, 'low')),
    ...runs(points, (value) => value > high.above).filter((run) => lasting(run, high.minutes) && recent(run)).map((run) => alert(run, 'high')),
  ];
}

function restingHeartRateAlerts(profileId: string, days: { day: Date; avg: number }[], now: number): CareAlertRequest[] {
  const rule = ANOMALY_RULES.restingHeartRate;
  const out: CareAlertRequest[] = [];
  let streak: { day: Date; avg: number }[] = [];
  const close = () => {
    if (streak.length >= rule.days && streak[streak.length - 1].day.getTime() >= now - ANOMALY_LOOKBACK_HOURS * 3600_000 - DAY_MS) {
      const first = streak[0].day.toISOString().slice(0, 10);
      const mean = Math.round(streak.reduce((sum, d) => sum + d.avg, 0) / streak.length);
      out.push({
        key: `wearables:resting-hr:${profileId}:${first}`,
        patientId: profileId,
        kind: 'WEARABLE_ANOMALY',
        severity: rule.severity,
        title: `Resting heart rate above ${rule.above} bpm for ${streak.length} days in a row (average ${mean} bpm)`,
        detail: { metric: 'RESTING_HR', unit: 'bpm', from: first, to: streak[streak.length - 1].day.toISOString().slice(0, 10), dailyAverages: streak.map((d) => Math.round(d.avg)), source: rule.source },
        source: { service: 'wearables', type: 'wearable_daily_stats', id: `${profileId}:RESTING_HR:${first}` },
      });
    }
    streak = [];
  };
  for (const day of days) {
    const follows = streak.length > 0 && day.day.getTime() - streak[streak.length - 1].day.getTime() === DAY_MS;
    if (day.avg > rule.above) {
      if (!follows) close();
      streak.push(day);
    } else close();
  }
  close();
  return out;
}

/**
 * After readings are stored (inside their transaction): the anomalies the new readings are part
 * of, raised as care alerts. Their keys name the run's start, so a run that grows raises once.
 * Returns how many were raised (call careAlertsRaised(queue) after the commit when any were).
 */
export async function raiseAnomalies(queue: JobQueue, tx: Tx, profileId: string, stored: readonly Stored[], now = Date.now()): Promise<number> {
  const alerts: CareAlertRequest[] = [];
  const glucose = stored.filter((reading) => reading.metric === 'GLUCOSE').map((reading) => reading.recordedAt.getTime());
  if (glucose.length) {
    const window = { gte: new Date(Math.min(...glucose) - 3 * 3600_000), lte: new Date(Math.max(...glucose) + 3 * 3600_000) };
    const rows = await tx.wearableReading.findMany({ where: { profileId, metric: 'GLUCOSE', recordedAt: window }, orderBy: { recordedAt: 'asc' }, select: { recordedAt: true, value: true } });
    alerts.push(...glucoseAlerts(profileId, rows.map((row) => ({ at: row.recordedAt.getTime(), value: row.value })), now));
  }
  const heartRate = stored.filter((reading) => reading.metric === 'RESTING_HR').map((reading) => reading.recordedAt.getTime());
  if (heartRate.length) {
    const margin = ANOMALY_RULES.restingHeartRate.days * DAY_MS;
    const window = { gte: new Date(Math.min(...heartRate) - margin - DAY_MS), lte: new Date(Math.max(...heartRate) + margin + DAY_MS) };
    const days = await tx.wearableDailyStat.findMany({ where: { profileId, metric: 'RESTING_HR', day: window }, orderBy: { day: 'asc' }, select: { day: true, avg: true } });
    alerts.push(...restingHeartRateAlerts(profileId, days, now));
  }
  for (const alert of alerts) await raiseCareAlert(queue, tx, alert);
  return alerts.length;
}

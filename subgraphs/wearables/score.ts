// The wearables part of the health score (40% of it; labs keeps a copy, sent by score-parts.ts):
// from the last SCORE_WINDOW_DAYS days of daily stats, each component scores 0-100 and the
// part is their mean. A component enters only when its metrics have data in the window; a
// patient with none has no wearables part (and labs then reports its labs-only score).
//   SLEEP        the vendors' sleep score (mean of daily averages); without one, sleep time:
//                7-9 h = 100, 25 points less per hour short, 20 per hour over
//   RECOVERY     recovery / readiness scores as they are (0-100)
//   HRV          RMSSD: 15 ms or less = 0, 65 ms or more = 100, linear between
//   CGM_GLUCOSE  mean glucose: 70-100 mg/dL = 100, down to 25 at 180, 0 by 280; below 70 loses 3 per mg/dL
//   STRAIN       WHOOP day strain: 8-14 = 100 (a balanced load), less toward rest (40 at 0) or overreaching (40 at 21)
import type { WearableMetric } from '../../generated/prisma/client';
import { SCORE_WINDOW_DAYS, scoreWindowStart } from '../../shared/domain/wearables-score';

// The window is part of the contract with labs (shared/domain/wearables-score.ts): labs drops a part whose data has left it.
export { SCORE_WINDOW_DAYS, scoreWindowStart };
export const SCORE_METRICS: WearableMetric[] = ['SLEEP_SCORE', 'SLEEP_DURATION', 'RECOVERY_SCORE', 'READINESS_SCORE', 'HRV_RMSSD', 'GLUCOSE', 'STRAIN'];

export interface ScoreComponent {
  name: string;
  score: number;
  detail: string;
}

export interface WearableScore {
  score: number;
  components: ScoreComponent[];
}

const clamp = (value: number) => Math.max(0, Math.min(100, value));
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

export function sleepHoursScore(hours: number): number {
  if (hours < 7) return clamp(100 - (7 - hours) * 25);
  if (hours > 9) return clamp(100 - (hours - 9) * 20);
  return 100;
}

export const hrvScore = (ms: number) => clamp(((ms - 15) / (65 - 15)) * 100);

export function glucoseScore(mgDl: number): number {
  if (mgDl < 70) return clamp(100 - (70 - mgDl) * 3);
  if (mgDl <= 100) return 100;
  if (mgDl <= 180) return 100 - ((mgDl - 100) * 75) / 80;
  return clamp(25 - (mgDl - 180) / 4);
}

export function strainScore(strain: number): number {
  if (strain < 8) return 40 + strain * 7.5;
  if (strain > 14) return clamp(100 - (strain - 14) * (60 / 7));
  return 100;
}

/** One metric's daily stats over the window: the mean of their daily averages, and how many days. */
export interface MetricMean {
  metric: WearableMetric;
  mean: number;
  days: number;
}

/** The wearables part from each metric's mean daily average over the window (the database aggregates them), or null without data. */
export function wearableScore(means: readonly MetricMean[]): WearableScore | null {
  const byMetric = new Map(means.map((entry) => [entry.metric, entry]));
  const avg = (metric: WearableMetric) => byMetric.get(metric)?.mean ?? null;
  const days = (metric: WearableMetric) => byMetric.get(metric)?.days ?? 0;
  const components: ScoreComponent[] = [];
  const sleepScore = avg('SLEEP_SCORE');
  const sleepMinutes = avg('SLEEP_DURATION');
  if (sleepScore !== null) components.push({ name: 'SLEEP', score: clamp(sleepScore), detail: `mean sleep score ${Math.round(sleepScore)} over ${days('SLEEP_SCORE')} days` });
  else if (sleepMinutes !== null) {
    components.push({ name: 'SLEEP', score: sleepHoursScore(sleepMinutes / 60), detail: `mean sleep ${(sleepMinutes / 60).toFixed(1)} h over ${days('SLEEP_DURATION')} days` });
  }
  const recovery = [avg('RECOVERY_SCORE'), avg('READINESS_SCORE')].filter((value): value is number => value !== null);
  if (recovery.length) components.push({ name: 'RECOVERY', score: clamp(mean(recovery)), detail: `mean recovery/readiness ${Math.round(mean(recovery))}` });
  const hrv = avg('HRV_RMSSD');
  if (hrv !== null) components.push({ name: 'HRV', score: hrvScore(hrv), detail: `mean HRV ${Math.round(hrv)} ms over ${days('HRV_RMSSD')} days` });
  const glucose = avg('GLUCOSE');
  if (glucose !== null) components.push({ name: 'CGM_GLUCOSE', score: glucoseScore(glucose), detail: `mean glucose ${Math.round(glucose)} mg/dL over ${days('GLUCOSE')} days` });
  const strain = avg('STRAIN');
  if (strain !== null) components.push({ name: 'STRAIN', score: strainScore(strain), detail: `mean day strain ${strain.toFixed(1)} over ${days('STRAIN')} days` });
  if (components.length === 0) return null;
  const rounded = components.map((component) => ({ ...component, score: Math.round(component.score) }));
  return { score: Math.round(mean(components.map((component) => component.score))), components: rounded };
}

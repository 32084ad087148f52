// The one table of wearable metrics: the unit every reading of a metric is stored in and
// the range a real measurement can fall in. The GraphQL mutation and the provider sync
// (which converts vendor payloads into these units first) both validate against it.
import type { WearableMetric } from '../../generated/prisma/client';

export interface MetricSpec {
  /** The standard unit: a reading in any other unit is refused, never converted silently. */
  unit: string;
  min: number;
  max: number;
}

export const METRICS: Record<WearableMetric, MetricSpec> = {
  SLEEP_SCORE: { unit: 'score', min: 0, max: 100 },
  SLEEP_DURATION: { unit: 'min', min: 0, max: 1440 },
  HRV_RMSSD: { unit: 'ms', min: 0, max: 500 },
  RESTING_HR: { unit: 'bpm', min: 20, max: 250 },
  RECOVERY_SCORE: { unit: 'score', min: 0, max: 100 },
  READINESS_SCORE: { unit: 'score', min: 0, max: 100 },
  // Whoop's day strain, on its own 0-21 scale.
  STRAIN: { unit: 'strain', min: 0, max: 21 },
  GLUCOSE: { unit: 'mg/dL', min: 20, max: 600 },
  STEPS: { unit: 'steps', min: 0, max: 100_000 },
  SPO2: { unit: '%', min: 0, max: 100 },
};

export function standardUnit(metric: WearableMetric): string {
  return METRICS[metric].unit;
}

/** Why a value cannot be a reading of `metric` in `unit`, or null when it can. */
export function readingProblem(metric: WearableMetric, value: number, unit: string): { field: 'value' | 'unit'; reason: string } | null {
  const spec = METRICS[metric];
  if (unit !== spec.unit) return { field: 'unit', reason: `${metric} is recorded in "${spec.unit}", not "${unit}"` };
  if (!Number.isFinite(value)) return { field: 'value', reason: 'must be a finite number' };
  if (value < spec.min || value > spec.max) return { field: 'value', reason: `${metric} must be between ${spec.min} and ${spec.max} ${spec.unit}` };
  return null;
}

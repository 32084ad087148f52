// The health score, labs part. Documented formula (README "Health score"):
//   each biomarker of the latest lab result scores by its status:
//     OPTIMAL 100, NORMAL 85, LOW/HIGH 50, CRITICAL_LOW/CRITICAL_HIGH 10 (UNKNOWN is left out);
//   a category (lipids, metabolic, ...) scores the mean of its biomarkers;
//   the score is the mean of the categories, so one category with many tests cannot dominate.
// The wearables part (40% of the total) is computed by the wearables subgraph (the same part as
// Patient.wearableScore) and sent to labs, which keeps a copy in its own table
// (wearables-part.ts; labs never reads wearables' tables): with it, the score is 60% labs + 40%
// wearables and every component's weight is scaled to match; without it (no wearable data in
// the last 14 days, or the caller may not see it) the score is labs-only.
import type { BiomarkerReading } from '../../generated/prisma/client';
import { findBiomarker } from './catalog';

export const STATUS_POINTS: Record<string, number | undefined> = {
  OPTIMAL: 100,
  NORMAL: 85,
  LOW: 50,
  HIGH: 50,
  CRITICAL_LOW: 10,
  CRITICAL_HIGH: 10,
};

export interface ScoreComponent {
  name: string;
  score: number;
  weight: number;
  detail: string;
}

export function labsScore(readings: Pick<BiomarkerReading, 'code' | 'status'>[]): { score: number; components: ScoreComponent[] } | null {
  const byCategory = new Map<string, number[]>();
  for (const reading of readings) {
    const points = STATUS_POINTS[reading.status];
    const definition = reading.code ? findBiomarker(reading.code) : undefined;
    if (points === undefined || !definition) continue;
    const list = byCategory.get(definition.category) ?? [];
    list.push(points);
    byCategory.set(definition.category, list);
  }
  if (byCategory.size === 0) return null;
  const categories = [...byCategory].sort(([a], [b]) => a.localeCompare(b));
  const components = categories.map(([category, points]) => ({
    name: category,
    score: Math.round(points.reduce((sum, p) => sum + p, 0) / points.length),
    weight: 1 / categories.length,
    detail: `${points.length} biomarker${points.length === 1 ? '' : 's'}`,
  }));
  const score = Math.round(components.reduce((sum, c) => sum + c.score * c.weight, 0));
  return { score, components };
}

/** The share of the total the wearables part takes when a patient has one. */
export const WEARABLES_WEIGHT = 0.4;

export interface WearablesPart {
  score: number;
  components: { name: string; score: number; detail?: string | null }[];
}

/** Labs (60%) and the wearables part (40%); the labs-only score when there is no wearables part. */
export function combinedScore(
  labs: { score: number; components: ScoreComponent[] },
  wearables: WearablesPart | null | undefined,
): { score: number; components: ScoreComponent[] } {
  if (!wearables || wearables.components.length === 0) return labs;
  const labsWeight = 1 - WEARABLES_WEIGHT;
  return {
    score: Math.round(labs.score * labsWeight + wearables.score * WEARABLES_WEIGHT),
    components: [
      ...labs.components.map((component) => ({ ...component, weight: component.weight * labsWeight })),
      ...wearables.components.map((component) => ({
        name: component.name,
        score: component.score,
        weight: WEARABLES_WEIGHT / wearables.components.length,
        detail: `wearables: ${component.detail ?? component.name.toLowerCase()}`,
      })),
    ],
  };
}

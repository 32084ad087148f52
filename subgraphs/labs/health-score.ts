// The health score, labs part. Documented formula (README "Health score"):
//   each biomarker of the latest lab result scores by its status:
//     OPTIMAL 100, NORMAL 85, LOW/HIGH 50, CRITICAL_LOW/CRITICAL_HIGH 10 (UNKNOWN is left out);
//   a category (lipids, metabolic, ...) scores the mean of its biomarkers;
//   the score is the mean of the categories, so one category with many tests cannot dominate.
// The wearables part (40% of the total) joins when the wearables domain supplies it.
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

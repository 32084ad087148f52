// The one rule for a wearable metric's trend, used by every tool that reports one (Luna's model
// and the MCP server read the same numbers the same way): the later half of the window's daily
// averages against the earlier half; within ±STEADY_WITHIN_PERCENT it is steady; with fewer than
// MIN_DAYS_FOR_TREND days it is not computed.

export interface DailyStat {
  day: string;
  metric: string;
  min: number;
  max: number;
  avg: number;
  count: number;
  unit: string;
}

export type Direction = 'up' | 'down' | 'steady' | 'insufficient data';

export interface MetricInsight {
  metric: string;
  unit: string;
  daysWithData: number;
  /** Mean of the daily averages. */
  mean: number;
  min: number;
  max: number;
  latest: { day: string; avg: number };
  trend: Direction;
  /** Mean of the later half of the days against the earlier half, in percent; null when not computed. */
  changePercent: number | null;
}

/** Fewer days than this and a trend would be noise. */
export const MIN_DAYS_FOR_TREND = 4;
/** A change of the halves' means smaller than this (in percent, either way) counts as steady. */
export const STEADY_WITHIN_PERCENT = 5;

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

/** The trend of daily averages (oldest first): the later half against the earlier half (the middle day of an odd count in neither). */
export function trendOf(averages: number[]): { trend: Direction; changePercent: number | null } {
  if (averages.length < MIN_DAYS_FOR_TREND) return { trend: 'insufficient data', changePercent: null };
  const half = Math.floor(averages.length / 2);
  const earlier = mean(averages.slice(0, half));
  const later = mean(averages.slice(averages.length - half));
  if (earlier === 0) return { trend: later === 0 ? 'steady' : 'up', changePercent: null };
  const changePercent = round(((later - earlier) / Math.abs(earlier)) * 100);
  const trend = Math.abs(changePercent) < STEADY_WITHIN_PERCENT ? 'steady' : changePercent > 0 ? 'up' : 'down';
  return { trend, changePercent };
}

/** One insight per metric, in the order metrics first appear; `days` must be oldest first. */
export function summarizeDailyStats(days: DailyStat[]): MetricInsight[] {
  const byMetric = new Map<string, DailyStat[]>();
  for (const day of days) byMetric.set(day.metric, [...(byMetric.get(day.metric) ?? []), day]);
  return [...byMetric.entries()].map(([metric, series]) => {
    const averages = series.map((d) => d.avg);
    const { trend, changePercent } = trendOf(averages);
    const latest = series[series.length - 1];
    return {
      metric,
      unit: latest.unit,
      daysWithData: series.length,
      mean: round(mean(averages)),
      min: Math.min(...series.map((d) => d.min)),
      max: Math.max(...series.map((d) => d.max)),
      latest: { day: latest.day, avg: round(latest.avg) },
      trend,
      changePercent,
    };
  });
}

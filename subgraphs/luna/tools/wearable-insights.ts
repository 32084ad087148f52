import { optionalInt, optionalStrings, PATIENT_ID_PROPERTY, patientIdOf, ToolInputError, type LunaTool } from './tool';

export const WEARABLE_METRICS = ['SLEEP_SCORE', 'SLEEP_DURATION', 'HRV_RMSSD', 'RESTING_HR', 'RECOVERY_SCORE', 'READINESS_SCORE', 'STRAIN', 'GLUCOSE', 'STEPS', 'SPO2'] as const;

const QUERY = `query LunaWearableInsights($id: ID!, $from: Date!, $to: Date!) {
  patient(id: $id) {
    wearableConnections { provider status }
    wearableDailyStats(from: $from, to: $to) { day metric avg min max unit }
  }
}`;

interface DailyStat {
  day: string;
  metric: string;
  avg: number;
  min: number;
  max: number;
  unit: string;
}

export interface MetricTrend {
  metric: string;
  unit: string;
  days: number;
  average: number;
  lowest: number;
  highest: number;
  latest: { day: string; average: number };
  /** The second half of the window against the first: up, down or steady (within 3 %). */
  trend: 'up' | 'down' | 'steady';
  firstHalfAverage: number;
  secondHalfAverage: number;
}

const round = (value: number) => Math.round(value * 10) / 10;
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/** One metric's days (oldest first) as a trend over the window. */
export function trendOf(metric: string, days: DailyStat[]): MetricTrend {
  const half = Math.floor(days.length / 2);
  const first = half ? mean(days.slice(0, half).map((day) => day.avg)) : days[0].avg;
  const second = mean(days.slice(half).map((day) => day.avg));
  const change = first === 0 ? 0 : (second - first) / Math.abs(first);
  const latest = days[days.length - 1];
  return {
    metric,
    unit: latest.unit,
    days: days.length,
    average: round(mean(days.map((day) => day.avg))),
    lowest: round(Math.min(...days.map((day) => day.min))),
    highest: round(Math.max(...days.map((day) => day.max))),
    latest: { day: latest.day, average: round(latest.avg) },
    trend: change > 0.03 ? 'up' : change < -0.03 ? 'down' : 'steady',
    firstHalfAverage: round(first),
    secondHalfAverage: round(second),
  };
}

export const getWearableInsights: LunaTool = {
  name: 'getWearableInsights',
  description:
    "Trends of the patient's wearable data over a window of days: per metric (sleep score and duration, HRV, resting heart rate, recovery, readiness, strain, glucose, steps, SpO2) the average, range, latest day and whether it is going up or down; plus the connected devices.",
  inputSchema: {
    type: 'object',
    properties: {
      patientId: PATIENT_ID_PROPERTY,
      metrics: { type: 'array', items: { type: 'string', enum: [...WEARABLE_METRICS] }, description: 'Metrics to include; all when left out.' },
      days: { type: 'integer', minimum: 1, maximum: 90, description: 'The window, ending today (default 14).' },
    },
    additionalProperties: false,
  },
  async run(input, context) {
    const metrics = optionalStrings(input, 'metrics').map((metric) => metric.toUpperCase());
    const unknown = metrics.filter((metric) => !(WEARABLE_METRICS as readonly string[]).includes(metric));
    if (unknown.length) throw new ToolInputError(`unknown metrics ${unknown.join(', ')}; choose from ${WEARABLE_METRICS.join(', ')}`);
    const days = optionalInt(input, 'days', 1, 90, 14);
    const to = new Date();
    const from = new Date(to.getTime() - (days - 1) * 86_400_000);
    const data = await context.graph.request<{ patient: { wearableConnections: { provider: string; status: string }[] | null; wearableDailyStats: DailyStat[] | null } | null }>(
      'LunaWearableInsights',
      QUERY,
      { id: patientIdOf(input, context), from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) },
    );
    const byMetric = new Map<string, DailyStat[]>();
    for (const stat of data.patient?.wearableDailyStats ?? []) {
      if (metrics.length && !metrics.includes(stat.metric)) continue;
      byMetric.set(stat.metric, [...(byMetric.get(stat.metric) ?? []), stat]);
    }
    return {
      window: { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10), days },
      devices: data.patient?.wearableConnections ?? [],
      metrics: [...byMetric].map(([metric, stats]) => trendOf(metric, stats.sort((a, b) => a.day.localeCompare(b.day)))),
    };
  },
};

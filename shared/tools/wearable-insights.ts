// Wearable insights: daily wearable stats over the last N days, summarised per metric with the
// one trend rule (./trends.ts), and the patient's connected devices.
import { z } from 'zod';
import { defineTool, onPatient, patientIdInput } from './tool';
import { summarizeDailyStats, type DailyStat, type MetricInsight } from './trends';

/** The graph's WearableMetric (a test checks these against the supergraph). */
export const WEARABLE_METRICS = ['SLEEP_SCORE', 'SLEEP_DURATION', 'HRV_RMSSD', 'RESTING_HR', 'RECOVERY_SCORE', 'READINESS_SCORE', 'STRAIN', 'GLUCOSE', 'STEPS', 'SPO2'] as const;

const DAY_MS = 86_400_000;
const SELECTION = `
  wearableConnections { provider status }
  wearableDailyStats(metric: $metric, from: $from, to: $to) { day metric min max avg count unit }`;

const dailyStat = z.object({ day: z.string(), metric: z.string(), min: z.number(), max: z.number(), avg: z.number(), count: z.number(), unit: z.string() });
const insight = z.object({
  metric: z.string(),
  unit: z.string(),
  daysWithData: z.number(),
  mean: z.number().describe('Mean of the daily averages.'),
  min: z.number(),
  max: z.number(),
  latest: z.object({ day: z.string(), avg: z.number() }),
  trend: z.enum(['up', 'down', 'steady', 'insufficient data']).describe('Later half of the window against the earlier half; steady within ±5 %.'),
  changePercent: z.number().nullable(),
});

/** The last `days` calendar days up to today (UTC dates; the graph cuts days in the patient's zone). */
export function lastDays(days: number, now = new Date()): { from: string; to: string } {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: iso(today - (days - 1) * DAY_MS), to: iso(today) };
}

export const wearableInsights = defineTool({
  surfaces: { luna: { name: 'getWearableInsights', operation: 'LunaWearableInsights' }, mcp: { name: 'get_wearable_insights', operation: 'McpWearableInsights' } },
  title: 'Wearable insights',
  description:
    'A patient’s wearable data (sleep score and duration, HRV, resting heart rate, recovery, readiness, strain, glucose, steps, SpO2) over the last N days: per metric the mean, range, latest day and trend (up, down or steady), from daily stats in the patient’s time zone; plus the connected devices.',
  input: {
    patientId: patientIdInput,
    days: z.int().min(1).max(90).default(14).describe('The window: the last N days up to today (1-90).'),
    metric: z.enum(WEARABLE_METRICS).optional().describe('One metric only; every metric when left out.'),
    metrics: z.array(z.enum(WEARABLE_METRICS)).max(WEARABLE_METRICS.length).optional().describe('Several metrics only; every metric when left out.'),
    includeDaily: z.boolean().default(false).describe('Also return every day’s stats (min, max, avg, count).'),
  },
  output: {
    patientId: z.string(),
    from: z.string(),
    to: z.string(),
    days: z.number(),
    devices: z.array(z.object({ provider: z.string(), status: z.string() })),
    metrics: z.array(insight),
    daily: z.array(dailyStat).optional().describe('The per-day stats, oldest first (with includeDaily).'),
  },
  aboutPatient: true,
  operation: ({ days, metric, metrics }, operationName, patientId) => {
    const { from, to } = lastDays(days);
    const one = metric ?? (metrics?.length === 1 ? metrics[0] : null);
    return onPatient(operationName, SELECTION, patientId, {
      metric: { type: 'WearableMetric', value: one },
      from: { type: 'Date', value: from },
      to: { type: 'Date', value: to },
    });
  },
  summarise(patient: { id: string; wearableConnections: { provider: string; status: string }[] | null; wearableDailyStats: DailyStat[] | null }, { days, metrics, includeDaily }) {
    const { from, to } = lastDays(days);
    const daily = (patient.wearableDailyStats ?? []).filter((stat) => !metrics?.length || (metrics as string[]).includes(stat.metric)).sort((a, b) => a.day.localeCompare(b.day));
    const insights = summarizeDailyStats(daily);
    return {
      structured: { patientId: patient.id, from, to, days, devices: patient.wearableConnections ?? [], metrics: insights, ...(includeDaily ? { daily } : {}) },
      text: describe(insights, from, to),
    };
  },
});

function describe(metrics: MetricInsight[], from: string, to: string): string {
  if (!metrics.length) return `No wearable data from ${from} to ${to}.`;
  const lines = metrics.map((m) => {
    const change = m.changePercent !== null ? ` (${m.changePercent > 0 ? '+' : ''}${m.changePercent} %)` : '';
    return `- ${m.metric}: mean ${m.mean} ${m.unit} over ${m.daysWithData} day(s), range ${m.min}–${m.max}, latest ${m.latest.avg} on ${m.latest.day}; trend ${m.trend}${change}`;
  });
  return [`Wearable data from ${from} to ${to}:`, ...lines].join('\n');
}

// get_wearable_insights: daily wearable stats over a window, summarized per metric with a trend.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { answer } from '../results';
import { summarizeDailyStats, type DailyStat, type MetricInsight } from '../trends';
import { READ_ONLY, runTool, type ToolContext } from './context';
import { onPatient, patientIdInput, requirePatient } from './patient';

/** The graph's WearableMetric (the test checks these against the supergraph). */
export const WEARABLE_METRICS = [
  'SLEEP_SCORE',
  'SLEEP_DURATION',
  'HRV_RMSSD',
  'RESTING_HR',
  'RECOVERY_SCORE',
  'READINESS_SCORE',
  'STRAIN',
  'GLUCOSE',
  'STEPS',
  'SPO2',
] as const;

const DAY_MS = 86_400_000;
const SELECTION = 'wearableDailyStats(metric: $metric, from: $from, to: $to) { day metric min max avg count unit }';

const dailyStat = z.object({ day: z.string(), metric: z.string(), min: z.number(), max: z.number(), avg: z.number(), count: z.number(), unit: z.string() });
const insight = z.object({
  metric: z.string(),
  unit: z.string(),
  daysWithData: z.number(),
  mean: z.number().describe('Mean of the daily averages.'),
  min: z.number(),
  max: z.number(),
  latest: z.object({ day: z.string(), avg: z.number() }),
  trend: z.enum(['up', 'down', 'steady', 'insufficient data']).describe('Later half of the window against the earlier half.'),
  changePercent: z.number().nullable(),
});

const outputSchema = {
  patientId: z.string(),
  from: z.string(),
  to: z.string(),
  metrics: z.array(insight),
  daily: z.array(dailyStat).optional().describe('The per-day stats, oldest first (with includeDaily).'),
};

export function registerWearableInsights(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'get_wearable_insights',
    {
      title: 'Wearable insights',
      description:
        'A patient’s wearable data (sleep, HRV, resting heart rate, recovery, readiness, strain, glucose, steps, SpO2) over the last N days: per metric the mean, range, latest day and trend (up, down or steady), from daily stats in the patient’s time zone.',
      inputSchema: {
        patientId: patientIdInput,
        days: z.int().min(1).max(90).default(14).describe('The window: the last N days up to today (1-90).'),
        metric: z.enum(WEARABLE_METRICS).optional().describe('One metric only; every metric when left out.'),
        includeDaily: z.boolean().default(false).describe('Also return every day’s stats (min, max, avg, count).'),
      },
      outputSchema,
      annotations: { ...READ_ONLY, title: 'Wearable insights' },
    },
    ({ patientId, days, metric, includeDaily }) =>
      runTool(ctx, 'get_wearable_insights', async () => {
        const { from, to } = lastDays(days);
        const op = onPatient('McpWearableInsights', SELECTION, patientId, {
          metric: { type: 'WearableMetric', value: metric ?? null },
          from: { type: 'Date', value: from },
          to: { type: 'Date', value: to },
        });
        type Data = { patient: { id: string; wearableDailyStats: DailyStat[] | null } | null };
        const { data, warnings } = await ctx.graph.execute<Data>(op.operationName, op.query, op.variables);
        const patient = requirePatient(data.patient, patientId);
        const daily = patient.wearableDailyStats ?? [];
        const metrics = summarizeDailyStats(daily);
        return answer({
          text: describe(metrics, from, to),
          structured: { patientId: patient.id, from, to, metrics, ...(includeDaily ? { daily } : {}) },
          warnings,
        });
      }),
  );
}

/** The last `days` calendar days up to today (UTC dates; the graph cuts days in the patient's zone). */
export function lastDays(days: number, now = new Date()): { from: string; to: string } {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: iso(today - (days - 1) * DAY_MS), to: iso(today) };
}

function describe(metrics: MetricInsight[], from: string, to: string): string {
  if (!metrics.length) return `No wearable data from ${from} to ${to}.`;
  const lines = metrics.map((m) => {
    const change = m.changePercent !== null ? ` (${m.changePercent > 0 ? '+' : ''}${m.changePercent} %)` : '';
    return `- ${m.metric}: mean ${m.mean} ${m.unit} over ${m.daysWithData} day(s), range ${m.min}–${m.max}, latest ${m.latest.avg} on ${m.latest.day}; trend ${m.trend}${change}`;
  });
  return [`Wearable data from ${from} to ${to}:`, ...lines].join('\n');
}

// WHOOP API v2: recovery (recovery_score, hrv_rmssd_milli, resting_heart_rate), cycle (the
// day's strain) and sleep. Pages carry `records` and `next_token` (asked for as nextToken).
import { vendorInstant } from './time';
import { num, present, recordsOf, standardReading } from './mapping';
import type { FormatContext, ProviderPlugin, ProviderResource, StandardReading } from './types';

const DAY_MS = 86_400_000;
const PAGE_SIZE = 25;

function collection(name: string, path: string, format: (record: Record<string, any>, context: FormatContext) => (StandardReading | null)[]): ProviderResource {
  return {
    name,
    overlapMs: 2 * DAY_MS,
    async fetchPage(api, window, pageToken) {
      const query = new URLSearchParams({ start: window.start.toISOString(), end: window.end.toISOString(), limit: String(PAGE_SIZE) });
      if (pageToken) query.set('nextToken', pageToken);
      const request = `${path}?${query}`;
      const body = (await api.get(request)) as { next_token?: unknown };
      return { request, body, next: typeof body?.next_token === 'string' && body.next_token ? body.next_token : null };
    },
    // Records still being scored (PENDING_SCORE, UNSCORABLE) have no values yet.
    format: (body, context) => present(recordsOf(body, 'records').filter((r) => r.score_state === 'SCORED' && r.score).flatMap((r) => format(r, context))),
  };
}

export const whoop: ProviderPlugin = {
  provider: 'WHOOP',
  label: 'WHOOP',
  endpoints: {
    authorizeUrl: 'https://api.prod.whoop.com/oauth/oauth2/auth',
    tokenUrl: 'https://api.prod.whoop.com/oauth/oauth2/token',
    apiUrl: 'https://api.prod.whoop.com/developer',
  },
  // `offline` is what makes WHOOP issue a refresh token.
  scopes: ['read:recovery', 'read:cycles', 'read:sleep', 'read:profile', 'offline'],
  pkce: false,
  // 100 requests per minute.
  rateLimit: { perSecond: 1.6, burst: 10 },
  resources: [
    collection('recovery', '/v2/recovery', (record, context) => {
      const at = vendorInstant(record.created_at);
      const id = `recovery-${record.cycle_id}`;
      return [
        standardReading(context, 'RECOVERY_SCORE', num(record.score.recovery_score), at, id),
        standardReading(context, 'HRV_RMSSD', num(record.score.hrv_rmssd_milli), at, id),
        standardReading(context, 'RESTING_HR', num(record.score.resting_heart_rate), at, id),
      ];
    }),
    // A cycle's strain keeps growing until the cycle ends: only finished cycles are stored.
    collection('cycle', '/v2/cycle', (record, context) =>
      record.end ? [standardReading(context, 'STRAIN', num(record.score.strain), vendorInstant(record.start), `cycle-${record.id}`)] : [],
    ),
    collection('sleep', '/v2/activity/sleep', (record, context) => {
      if (record.nap) return [];
      const stages = record.score.stage_summary ?? {};
      const asleep = [stages.total_light_sleep_time_milli, stages.total_slow_wave_sleep_time_milli, stages.total_rem_sleep_time_milli].map(num);
      const minutes = asleep.some((value) => value === null) ? null : Math.round(asleep.reduce((sum: number, value) => sum + value!, 0) / 60_000);
      return [standardReading(context, 'SLEEP_DURATION', minutes, vendorInstant(record.end), `sleep-${record.id}`)];
    }),
  ],
};

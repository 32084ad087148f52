// Oura API v2 (usercollection): daily_sleep, daily_readiness, sleep (with average_hrv),
// heartrate, daily_activity and daily_spo2. Pages carry `data` and `next_token`.
import { isDay, isoDay, summaryInstant, vendorInstant } from './time';
import { num, present, recordsOf, standardReading } from './mapping';
import type { FormatContext, ProviderPlugin, ProviderResource, StandardReading } from './types';

const DAY_MS = 86_400_000;

type Formatter = (item: Record<string, any>, context: FormatContext) => (StandardReading | null)[];

/** A usercollection resource queried by day (start_date/end_date) or by instant (start_datetime/end_datetime). */
function collection(name: string, by: 'date' | 'datetime', overlapMs: number, format: Formatter): ProviderResource {
  return {
    name,
    overlapMs,
    async fetchPage(api, window, pageToken) {
      const query = new URLSearchParams(
        by === 'date'
          ? { start_date: isoDay(window.start), end_date: isoDay(window.end) }
          : { start_datetime: window.start.toISOString(), end_datetime: window.end.toISOString() },
      );
      if (pageToken) query.set('next_token', pageToken);
      const request = `/v2/usercollection/${name}?${query}`;
      const body = (await api.get(request)) as { next_token?: unknown };
      return { request, body, next: typeof body?.next_token === 'string' && body.next_token ? body.next_token : null };
    },
    format: (body, context) => present(recordsOf(body, 'data').flatMap((item) => format(item, context))),
  };
}

/** A daily document's value, at noon of its day in the patient's zone. */
const daily =
  (metric: Parameters<typeof standardReading>[1], value: (item: Record<string, any>) => number | null): Formatter =>
  (item, context) =>
    isDay(item.day) ? [standardReading(context, metric, value(item), summaryInstant(item.day, context), item.id)] : [];

export const oura: ProviderPlugin = {
  provider: 'OURA',
  label: 'Oura',
  endpoints: {
    authorizeUrl: 'https://cloud.ouraring.com/oauth/authorize',
    tokenUrl: 'https://api.ouraring.com/oauth/token',
    apiUrl: 'https://api.ouraring.com',
  },
  scopes: ['personal', 'daily', 'heartrate', 'spo2'],
  pkce: false,
  // 5000 requests per 5 minutes.
  rateLimit: { perSecond: 16, burst: 20 },
  resources: [
    collection('daily_sleep', 'date', 2 * DAY_MS, daily('SLEEP_SCORE', (item) => num(item.score))),
    collection('daily_readiness', 'date', 2 * DAY_MS, daily('READINESS_SCORE', (item) => num(item.score))),
    collection('sleep', 'date', 2 * DAY_MS, (item, context) => {
      // The main sleep of the night; naps and rest periods are left out.
      if (item.type !== 'long_sleep' || !isDay(item.day)) return [];
      const at = summaryInstant(item.day, context);
      const seconds = num(item.total_sleep_duration);
      return [
        standardReading(context, 'HRV_RMSSD', num(item.average_hrv), at, item.id),
        standardReading(context, 'SLEEP_DURATION', seconds === null ? null : Math.round(seconds / 60), at, item.id),
      ];
    }),
    // Samples every few minutes; those taken at rest are resting heart rate. They have no id of their own.
    collection('heartrate', 'datetime', 60 * 60_000, (item, context) =>
      item.source === 'rest' ? [standardReading(context, 'RESTING_HR', num(item.bpm), vendorInstant(item.timestamp), `${context.connectionId}/hr/${item.timestamp}`)] : [],
    ),
    collection('daily_activity', 'date', 2 * DAY_MS, daily('STEPS', (item) => num(item.steps))),
    collection('daily_spo2', 'date', 2 * DAY_MS, daily('SPO2', (item) => num(item.spo2_percentage?.average))),
  ],
};

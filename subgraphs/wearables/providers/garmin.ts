// Garmin Health API (wellness-api): daily summaries (steps, resting heart rate), sleep
// summaries (duration, sleep score) and HRV summaries (last night's average). Requests ask
// by upload time and may span at most 24 hours: a sync walks the window a day at a time.
import { isDay, summaryInstant } from './time';
import { chunkedPage, num, present, recordsOf, standardReading } from './mapping';
import type { FormatContext, ProviderPlugin, ProviderResource, StandardReading } from './types';

const DAY_MS = 86_400_000;

function summaries(name: string, format: (summary: Record<string, any>, at: Date, context: FormatContext) => (StandardReading | null)[]): ProviderResource {
  return {
    name,
    overlapMs: DAY_MS,
    fetchPage: (api, window, pageToken) =>
      chunkedPage(window, pageToken, DAY_MS, async (start, end) => {
        const query = new URLSearchParams({
          uploadStartTimeInSeconds: String(Math.floor(start.getTime() / 1000)),
          uploadEndTimeInSeconds: String(Math.floor(end.getTime() / 1000)),
        });
        const request = `/wellness-api/rest/${name}?${query}`;
        return { request, body: await api.get(request) };
      }),
    // Summaries are per calendar day: stored at noon of that day in the patient's zone.
    format: (body, context) =>
      present(recordsOf(body).flatMap((summary) => (isDay(summary.calendarDate) ? format(summary, summaryInstant(summary.calendarDate, context), context) : []))),
  };
}

export const garmin: ProviderPlugin = {
  provider: 'GARMIN',
  label: 'Garmin',
  endpoints: {
    authorizeUrl: 'https://connect.garmin.com/oauth2Confirm',
    tokenUrl: 'https://diauth.garmin.com/di-oauth2-service/oauth/token',
    apiUrl: 'https://apis.garmin.com',
  },
  scopes: ['HEALTH_EXPORT'],
  // Garmin's OAuth 2.0 requires PKCE.
  pkce: true,
  // Requests ask for at most a day each: a month is ~90 requests.
  rateLimit: { perSecond: 25, burst: 30 },
  resources: [
    summaries('dailies', (summary, at, context) => [
      standardReading(context, 'STEPS', num(summary.steps), at, summary.summaryId),
      standardReading(context, 'RESTING_HR', num(summary.restingHeartRateInBeatsPerMinute), at, summary.summaryId),
    ]),
    summaries('sleeps', (summary, at, context) => {
      const parts = [summary.deepSleepDurationInSeconds, summary.lightSleepDurationInSeconds, summary.remSleepInSeconds].map(num);
      const minutes = parts.some((value) => value === null) ? null : Math.round(parts.reduce((sum: number, value) => sum + value!, 0) / 60);
      return [
        standardReading(context, 'SLEEP_DURATION', minutes, at, summary.summaryId),
        standardReading(context, 'SLEEP_SCORE', num(summary.overallSleepScore?.value), at, summary.summaryId),
      ];
    }),
    summaries('hrv', (summary, at, context) => [standardReading(context, 'HRV_RMSSD', num(summary.lastNightAvg), at, summary.summaryId)]),
  ],
};

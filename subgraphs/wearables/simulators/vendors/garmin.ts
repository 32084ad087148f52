// Simulated Garmin Health API: daily, sleep and HRV summaries, asked for by upload time in
// windows of at most 24 hours. A day's daily summary is uploaded at 02:00 UTC the next day;
// sleep and HRV summaries at 07:00 UTC on the morning they end.
import { garmin } from '../../providers/garmin';
import { between, clamp, DAY_MS, HISTORY_DAYS, isoDay, normal, utcDays, vendorUuid } from '../generate';
import { instantParam, SimHttpError, type SimRoute, type VendorSimulator, type Window } from '../server';

const HOUR_MS = 3_600_000;

function uploadWindow(query: URLSearchParams): Window {
  const seconds = (value: string) => (/^\d+$/.test(value) ? Number(value) * 1000 : NaN);
  const start = instantParam(query, 'uploadStartTimeInSeconds', seconds);
  const end = instantParam(query, 'uploadEndTimeInSeconds', seconds);
  if (end <= start || end - start > DAY_MS) throw new SimHttpError(400, { errorMessage: 'the upload window must be positive and at most 86400 seconds' });
  return { start, end };
}

/** Summaries whose upload time falls in the window (and has happened). */
function summaries(name: string, uploadDelayMs: number, make: (user: string, day: string) => Record<string, unknown>): SimRoute {
  return {
    path: `/wellness-api/rest/${name}`,
    window: uploadWindow,
    generate(user, window, now) {
      const from = Math.max(window!.start - uploadDelayMs, now.getTime() - HISTORY_DAYS * DAY_MS);
      return utcDays(from, window!.end)
        .filter((day) => {
          const upload = day + uploadDelayMs;
          return upload >= window!.start && upload < window!.end && upload <= now.getTime();
        })
        .map((day) => ({ summaryId: `${name}-${vendorUuid('garmin', name, user, day).slice(0, 18)}`, calendarDate: isoDay(day), ...make(user, isoDay(day)) }));
    },
    timeOf: (record) => Date.parse(`${record.calendarDate}T00:00:00.000Z`) + uploadDelayMs,
    respond: (records) => records,
  };
}

export const garminSimulator: VendorSimulator = {
  plugin: garmin,
  routes: [
    summaries('dailies', DAY_MS + 2 * HOUR_MS, (user, day) => ({
      activityType: 'WALKING',
      startTimeInSeconds: Date.parse(`${day}T00:00:00.000Z`) / 1000,
      startTimeOffsetInSeconds: 0,
      durationInSeconds: 86_400,
      steps: Math.round(clamp(between(4500, 12000, user, 'steps') + 2000 * normal(user, day, 'steps'), 300, 40000)),
      distanceInMeters: 6500,
      restingHeartRateInBeatsPerMinute: Math.round(clamp(between(48, 66, user, 'rhr') + 2 * normal(user, day, 'rhr'), 38, 90)),
      averageHeartRateInBeatsPerMinute: 74,
    })),
    summaries('sleeps', 7 * HOUR_MS, (user, day) => {
      const total = Math.round(clamp(between(360, 470, user, 'sleep-min') + 30 * normal(user, day, 'sleep-min'), 200, 640)) * 60;
      const deep = Math.round(total * 0.2);
      const rem = Math.round(total * 0.25);
      return {
        startTimeInSeconds: Date.parse(`${day}T06:00:00.000Z`) / 1000 - total,
        startTimeOffsetInSeconds: 0,
        durationInSeconds: total + 1200,
        deepSleepDurationInSeconds: deep,
        lightSleepDurationInSeconds: total - deep - rem,
        remSleepInSeconds: rem,
        awakeDurationInSeconds: 1200,
        validation: 'ENHANCED_FINAL',
        overallSleepScore: { value: Math.round(clamp(between(65, 88, user, 'sleep') + 6 * normal(user, day, 'sleep'), 20, 100)), qualifierKey: 'GOOD' },
      };
    }),
    summaries('hrv', 7 * HOUR_MS, (user, day) => ({
      startTimeInSeconds: Date.parse(`${day}T00:00:00.000Z`) / 1000,
      startTimeOffsetInSeconds: 0,
      durationInSeconds: 25_200,
      lastNightAvg: Math.round(clamp(between(30, 75, user, 'hrv') + 6 * normal(user, day, 'hrv'), 8, 200)),
      lastNight5MinHigh: 90,
    })),
  ],
};

// Simulated Oura API v2: usercollection documents shaped like Oura's, `data` + `next_token`.
import { oura } from '../../providers/oura';
import { between, clamp, DAY_MS, HISTORY_DAYS, isoDay, normal, utcDays, vendorUuid } from '../generate';
import { instantParam, pageOf, SimHttpError, type SimRoute, type VendorSimulator, type Window } from '../server';

const PAGE_SIZE = 10;
const SAMPLES_PAGE_SIZE = 100;

function dateWindow(query: URLSearchParams, now: Date): Window {
  const day = (name: string, fallback: string) => {
    const value = query.get(name) ?? fallback;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new SimHttpError(400, { detail: `${name} must be a date (YYYY-MM-DD)` });
    return Date.parse(`${value}T00:00:00.000Z`);
  };
  const start = day('start_date', isoDay(now.getTime() - DAY_MS));
  const end = day('end_date', isoDay(now));
  if (end < start) throw new SimHttpError(400, { detail: 'end_date is before start_date' });
  return { start, end: end + DAY_MS };
}

/** The account's days in the window that have happened (today included), within its history. */
function daysIn(window: Window | null, now: Date): number[] {
  const first = Math.max(window!.start, now.getTime() - HISTORY_DAYS * DAY_MS);
  return utcDays(first, Math.min(window!.end - 1, now.getTime()));
}

const dayOf = (record: Record<string, any>) => Date.parse(`${record.day}T00:00:00.000Z`);
const respond = (size: number) => (records: Record<string, unknown>[], query: URLSearchParams) => {
  const { items, next } = pageOf(records, query.get('next_token'), size);
  return { data: items, next_token: next };
};

function dailyRoute(name: string, make: (user: string, day: string) => Record<string, unknown>): SimRoute {
  return {
    path: `/v2/usercollection/${name}`,
    window: dateWindow,
    generate: (user, window, now) => daysIn(window, now).map((t) => ({ id: vendorUuid('oura', user, name, isoDay(t)), ...make(user, isoDay(t)), day: isoDay(t) })),
    timeOf: dayOf,
    respond: respond(PAGE_SIZE),
  };
}

const score = (user: string, day: string, what: string, low: number, high: number) =>
  Math.round(clamp(between(low, high, user, what) + 6 * normal(user, day, what), 30, 100));

export const ouraSimulator: VendorSimulator = {
  plugin: oura,
  routes: [
    dailyRoute('daily_sleep', (user, day) => ({
      score: score(user, day, 'sleep', 68, 88),
      contributors: { deep_sleep: 80, efficiency: 85, latency: 90, rem_sleep: 75, restfulness: 70, timing: 88, total_sleep: 82 },
      timestamp: `${day}T00:00:00+00:00`,
    })),
    dailyRoute('daily_readiness', (user, day) => ({
      score: score(user, day, 'readiness', 66, 86),
      temperature_deviation: Math.round(normal(user, day, 'temp') * 20) / 100,
      contributors: { activity_balance: 80, hrv_balance: 75, previous_night: 82, recovery_index: 90, resting_heart_rate: 88, sleep_balance: 79 },
      timestamp: `${day}T00:00:00+00:00`,
    })),
    dailyRoute('sleep', (user, day) => {
      const end = Date.parse(`${day}T06:30:00.000Z`) + Math.round(normal(user, day, 'wake') * 20) * 60_000;
      const duration = Math.round(clamp(between(380, 470, user, 'sleep-min') + 30 * normal(user, day, 'sleep-min'), 240, 600)) * 60;
      const lowest = Math.round(clamp(between(48, 64, user, 'rhr') + 2 * normal(user, day, 'rhr'), 38, 90));
      return {
        type: 'long_sleep',
        bedtime_start: new Date(end - duration * 1000 - 25 * 60_000).toISOString(),
        bedtime_end: new Date(end).toISOString(),
        total_sleep_duration: duration,
        time_in_bed: duration + 25 * 60,
        average_hrv: Math.round(clamp(between(30, 75, user, 'hrv') + 6 * normal(user, day, 'hrv'), 8, 200)),
        average_heart_rate: lowest + 6,
        lowest_heart_rate: lowest,
        efficiency: 90,
      };
    }),
    dailyRoute('daily_activity', (user, day) => ({
      steps: Math.round(clamp(between(4500, 12000, user, 'steps') + 2000 * normal(user, day, 'steps'), 300, 40000)),
      active_calories: 400,
      timestamp: `${day}T00:00:00+00:00`,
    })),
    dailyRoute('daily_spo2', (user, day) => ({
      spo2_percentage: { average: Math.round(clamp(between(95.5, 98.2, user, 'spo2') + 0.5 * normal(user, day, 'spo2'), 88, 100) * 10) / 10 },
    })),
    {
      // Resting samples through the night, a few awake ones by day.
      path: '/v2/usercollection/heartrate',
      window: (query) => ({ start: instantParam(query, 'start_datetime'), end: instantParam(query, 'end_datetime') }),
      generate(user, window, now) {
        const samples: Record<string, unknown>[] = [];
        const from = Math.max(window!.start, now.getTime() - HISTORY_DAYS * DAY_MS);
        for (const day of utcDays(from, window!.end)) {
          for (const [hour, source] of [[1, 'rest'], [2, 'rest'], [3, 'rest'], [4, 'rest'], [5, 'rest'], [10, 'awake'], [14, 'awake'], [18, 'awake']] as const) {
            const at = day + hour * 3_600_000;
            if (at < window!.start || at >= window!.end || at > now.getTime()) continue;
            const base = between(48, 64, user, 'rhr') + (source === 'awake' ? 25 : 0);
            samples.push({ bpm: Math.round(clamp(base + 3 * normal(user, at, 'hr'), 35, 190)), source, timestamp: new Date(at).toISOString().replace('Z', '+00:00') });
          }
        }
        return samples;
      },
      timeOf: (record) => Date.parse(record.timestamp),
      respond: respond(SAMPLES_PAGE_SIZE),
    },
  ],
};

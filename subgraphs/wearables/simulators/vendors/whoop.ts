// Simulated WHOOP API v2: cycles, recoveries and sleeps, `records` + `next_token`, newest first.
import { whoop } from '../../providers/whoop';
import { between, clamp, DAY_MS, HISTORY_DAYS, normal, utcDays, vendorInt, vendorUuid } from '../generate';
import { instantParam, pageOf, SimHttpError, type SimRoute, type VendorSimulator, type Window } from '../server';

const MAX_LIMIT = 25;
const HOUR_MS = 3_600_000;

function window(query: URLSearchParams, now: Date): Window {
  const start = query.get('start') ? instantParam(query, 'start') : now.getTime() - 7 * DAY_MS;
  const end = query.get('end') ? instantParam(query, 'end') : now.getTime();
  return { start, end };
}

function respond(records: Record<string, unknown>[], query: URLSearchParams) {
  const limit = Number(query.get('limit') ?? 10);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new SimHttpError(400, { message: `limit must be 1..${MAX_LIMIT}` });
  const { items, next } = pageOf(records, query.get('nextToken'), limit);
  return { records: items, next_token: next };
}

/** Each day's cycle starts at waking (06:30 UTC) and ends at the next waking. */
interface Day {
  day: number;
  wake: number;
}

function days(user: string, w: Window | null, now: Date, by: (d: Day) => number): Day[] {
  const from = Math.max(w!.start, now.getTime() - HISTORY_DAYS * DAY_MS) - DAY_MS;
  return utcDays(from, w!.end + DAY_MS)
    .map((day) => ({ day, wake: day + 6.5 * HOUR_MS + Math.round(normal(user, day, 'wake') * 20) * 60_000 }))
    .filter((d) => by(d) >= w!.start && by(d) < w!.end && by(d) <= now.getTime())
    .reverse();
}

const iso = (t: number) => new Date(t).toISOString();
const cycleId = (user: string, day: number) => vendorInt('whoop-cycle', user, day);
const sleepId = (user: string, day: number) => vendorUuid('whoop-sleep', user, day);

function route(path: string, by: (d: Day) => number, make: (user: string, d: Day, now: Date) => Record<string, unknown>, timeField: string): SimRoute {
  return {
    path,
    window,
    generate: (user, w, now) => days(user, w, now, by).map((d) => make(user, d, now)),
    timeOf: (record) => Date.parse(record[timeField]),
    respond,
  };
}

export const whoopSimulator: VendorSimulator = {
  plugin: whoop,
  routes: [
    route('/v2/cycle', (d) => d.wake, (user, d, now) => {
      const end = d.wake + DAY_MS;
      const done = end <= now.getTime();
      const strain = clamp(between(7, 14, user, 'strain') + 3 * normal(user, d.day, 'strain'), 0, 21) * (done ? 1 : 0.5);
      return {
        id: cycleId(user, d.day),
        user_id: vendorInt('whoop-user', user),
        created_at: iso(d.wake + 60_000),
        updated_at: iso(done ? end : now.getTime()),
        start: iso(d.wake),
        end: done ? iso(end) : null,
        timezone_offset: '+00:00',
        score_state: 'SCORED',
        score: { strain: Math.round(strain * 10) / 10, kilojoule: Math.round(8000 + strain * 300), average_heart_rate: 72, max_heart_rate: 160 },
      };
    }, 'start'),
    route('/v2/recovery', (d) => d.wake + 5 * 60_000, (user, d) => ({
      cycle_id: cycleId(user, d.day),
      sleep_id: sleepId(user, d.day),
      user_id: vendorInt('whoop-user', user),
      created_at: iso(d.wake + 5 * 60_000),
      updated_at: iso(d.wake + 5 * 60_000),
      score_state: 'SCORED',
      score: {
        user_calibrating: false,
        recovery_score: Math.round(clamp(between(40, 72, user, 'recovery') + 15 * normal(user, d.day, 'recovery'), 1, 99)),
        resting_heart_rate: Math.round(clamp(between(48, 64, user, 'rhr') + 2 * normal(user, d.day, 'rhr'), 38, 90)),
        hrv_rmssd_milli: Math.round(clamp(between(30, 90, user, 'hrv') + 8 * normal(user, d.day, 'hrv'), 8, 250) * 100) / 100,
        spo2_percentage: 96.5,
        skin_temp_celsius: 33.7,
      },
    }), 'created_at'),
    route('/v2/activity/sleep', (d) => d.wake, (user, d) => {
      const asleep = clamp(between(360, 470, user, 'sleep-min') + 30 * normal(user, d.day, 'sleep-min'), 200, 640) * 60_000;
      const light = Math.round(asleep * 0.5);
      const deep = Math.round(asleep * 0.25);
      return {
        id: sleepId(user, d.day),
        cycle_id: cycleId(user, d.day - DAY_MS),
        user_id: vendorInt('whoop-user', user),
        created_at: iso(d.wake + 60_000),
        updated_at: iso(d.wake + 60_000),
        start: iso(d.wake - asleep - 30 * 60_000),
        end: iso(d.wake),
        timezone_offset: '+00:00',
        nap: false,
        score_state: 'SCORED',
        score: {
          stage_summary: {
            total_in_bed_time_milli: asleep + 30 * 60_000,
            total_awake_time_milli: 30 * 60_000,
            total_no_data_time_milli: 0,
            total_light_sleep_time_milli: light,
            total_slow_wave_sleep_time_milli: deep,
            total_rem_sleep_time_milli: asleep - light - deep,
            sleep_cycle_count: 4,
            disturbance_count: 3,
          },
          respiratory_rate: 15.2,
          sleep_performance_percentage: 88,
          sleep_consistency_percentage: 80,
          sleep_efficiency_percentage: 92,
        },
      };
    }, 'end'),
  ],
};

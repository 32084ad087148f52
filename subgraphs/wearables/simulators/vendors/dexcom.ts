// Simulated Dexcom API v3: EGVs every 15 minutes (a real G7 reports every 5; fewer keep the
// demo database small) with meal-shaped rises, and the account's device.
import { dexcom } from '../../providers/dexcom';
import { between, clamp, DAY_MS, HISTORY_DAYS, normal, vendorUuid } from '../generate';
import { instantParam, SimHttpError, type VendorSimulator } from '../server';

const INTERVAL_MS = 15 * 60_000;
const MAX_WINDOW_MS = 30 * DAY_MS;
/** Dexcom times are UTC without a zone. */
const parseDexcom = (value: string) => (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(value) ? Date.parse(`${value}Z`) : NaN);

function trendOf(delta: number): string {
  const perMinute = delta / 15;
  if (perMinute > 3) return 'doubleUp';
  if (perMinute > 2) return 'singleUp';
  if (perMinute > 1) return 'fortyFiveUp';
  if (perMinute >= -1) return 'flat';
  if (perMinute >= -2) return 'fortyFiveDown';
  if (perMinute >= -3) return 'singleDown';
  return 'doubleDown';
}

function glucoseAt(user: string, at: number): number {
  const hour = (at % DAY_MS) / 3_600_000;
  let value = between(84, 105, user, 'fasting');
  for (const meal of [8, 13, 19]) value += between(25, 55, user, 'meal') * Math.exp(-((hour - meal - 1) ** 2) / 1.2);
  return Math.round(clamp(value + 4 * normal(user, at, 'noise'), 45, 350));
}

export const transmitterOf = (user: string) => `G7${vendorUuid('dexcom-transmitter', user).replace(/-/g, '').slice(0, 8).toUpperCase()}`;

export const dexcomSimulator: VendorSimulator = {
  plugin: dexcom,
  routes: [
    {
      path: '/v3/users/self/egvs',
      window(query) {
        const start = instantParam(query, 'startDate', parseDexcom);
        const end = instantParam(query, 'endDate', parseDexcom);
        if (end <= start || end - start > MAX_WINDOW_MS) throw new SimHttpError(400, { error: 'invalid_request', message: 'the window must be positive and at most 30 days' });
        return { start, end };
      },
      generate(user, window, now) {
        const records: Record<string, unknown>[] = [];
        const from = Math.max(window!.start, now.getTime() - HISTORY_DAYS * DAY_MS);
        for (let at = Math.ceil(from / INTERVAL_MS) * INTERVAL_MS; at < window!.end && at <= now.getTime(); at += INTERVAL_MS) {
          const value = glucoseAt(user, at);
          const time = new Date(at).toISOString().slice(0, 19);
          records.push({
            recordId: vendorUuid('dexcom-egv', user, at),
            systemTime: `${time}Z`,
            displayTime: `${time}-00:00`,
            transmitterId: transmitterOf(user),
            transmitterTicks: Math.floor(at / 1000) % 10_000_000,
            value,
            status: null,
            trend: trendOf(value - glucoseAt(user, at - INTERVAL_MS)),
            trendRate: Math.round(((value - glucoseAt(user, at - INTERVAL_MS)) / 15) * 10) / 10,
            unit: 'mg/dL',
            rateUnit: 'mg/dL/min',
            displayDevice: 'iOS',
            transmitterGeneration: 'g7',
          });
        }
        return records;
      },
      timeOf: (record) => parseDexcom(String(record.systemTime).replace(/Z$/, '')),
      respond: (records, _query, user) => ({ recordType: 'egv', recordVersion: '3.0', userId: vendorUuid('dexcom-user', user), records }),
    },
    {
      path: '/v3/users/self/devices',
      generate: (user, _window, now) => [
        {
          lastUploadDate: new Date(now.getTime() - 5 * 60_000).toISOString().slice(0, 19),
          transmitterId: transmitterOf(user),
          transmitterGeneration: 'g7',
          displayDevice: 'iOS',
          displayApp: 'G7',
        },
      ],
      respond: (records, _query, user) => ({ recordType: 'device', recordVersion: '3.0', userId: vendorUuid('dexcom-user', user), records }),
    },
  ],
};

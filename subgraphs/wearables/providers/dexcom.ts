// Dexcom API v3: estimated glucose values (egvs) with their trend arrows, and the devices
// behind the account (the transmitter serial). EGV requests may span at most 30 days and
// have no page token: a sync walks the window in week-long chunks.
import type { GlucoseTrend } from '../../../generated/prisma/client';
import { vendorInstant } from './time';
import { chunkedPage, num, present, recordsOf, standardReading } from './mapping';
import type { ProviderPlugin } from './types';

const CHUNK_MS = 7 * 86_400_000;

/** v3 trend names -> ours. */
const TRENDS: Record<string, GlucoseTrend> = {
  doubleUp: 'DOUBLE_UP',
  singleUp: 'SINGLE_UP',
  fortyFiveUp: 'FORTY_FIVE_UP',
  flat: 'FLAT',
  fortyFiveDown: 'FORTY_FIVE_DOWN',
  singleDown: 'SINGLE_DOWN',
  doubleDown: 'DOUBLE_DOWN',
};

/** Dexcom wants UTC times without a zone: 2024-01-01T00:00:00. */
const dexcomTime = (date: Date) => date.toISOString().slice(0, 19);

export const dexcom: ProviderPlugin = {
  provider: 'DEXCOM',
  label: 'Dexcom',
  endpoints: {
    authorizeUrl: 'https://api.dexcom.com/v2/oauth2/login',
    tokenUrl: 'https://api.dexcom.com/v2/oauth2/token',
    apiUrl: 'https://api.dexcom.com',
  },
  scopes: ['offline_access'],
  pkce: false,
  // 60,000 requests per hour.
  rateLimit: { perSecond: 16, burst: 20 },
  resources: [
    {
      name: 'egvs',
      overlapMs: 60 * 60_000,
      fetchPage: (api, window, pageToken) =>
        chunkedPage(window, pageToken, CHUNK_MS, async (start, end) => {
          const request = `/v3/users/self/egvs?${new URLSearchParams({ startDate: dexcomTime(start), endDate: dexcomTime(end) })}`;
          return { request, body: await api.get(request) };
        }),
      format: (body, context) =>
        present(
          recordsOf(body, 'records').map((record) =>
            standardReading(context, 'GLUCOSE', num(record.value), vendorInstant(record.systemTime), record.recordId, TRENDS[record.trend] ?? 'NOT_COMPUTABLE'),
          ),
        ),
    },
  ],
  async deviceSerial(api) {
    const devices = recordsOf(await api.get('/v3/users/self/devices'), 'records');
    const latest = [...devices].sort((a, b) => String(b.lastUploadDate ?? '').localeCompare(String(a.lastUploadDate ?? '')))[0];
    return typeof latest?.transmitterId === 'string' ? latest.transmitterId : null;
  },
};

// The wearables subgraph through the real gateway: readings (pagination, filters), daily
// stats in the patient's time zone (DST included), idempotent ingestion, validation,
// check-ins, disconnecting, and that tokens never reach the schema.
import { authHeaders, seededPatientId } from '../../../test/support/auth';
import { codes, gql, type GraphQLResponse, clientWith, expectBadInput } from '../../../test/support/graphql';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';
/** Makes every providerReadingId / note of this run unique. */
const RUN = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

// Each test writes to its own seeded patient, so the tests do not depend on their order.
const DAY_BOUNDARY = seededPatientId(191);
const DST = seededPatientId(192);
const IDEMPOTENT = seededPatientId(193);
const INVALID = seededPatientId(194);
const CHECK_INS = seededPatientId(195);

let headers: Record<string, string>;
/** A seeded patient with a wearable's 30 days of readings (only read, never written). */
let READER: string;
beforeAll(async () => {
  headers = await authHeaders('admin');
  const found = await seededPatients(100, 119, 'wearableReadings(first: 1) { totalCount }');
  const reader = found.find((p) => p.wearableReadings.totalCount > 100);
  expect(reader).toBeDefined();
  READER = reader.id;
});

const { ask, data } = clientWith(() => headers);

interface ReadingInput {
  provider: string;
  metric: string;
  value: number;
  unit: string;
  recordedAt: string;
  providerReadingId: string;
}

const RECORD = `mutation($patientId: ID!, $readings: [WearableReadingInput!]!) {
  recordWearableReadings(patientId: $patientId, readings: $readings) {
    inserted skipped days { day metric min max avg count unit }
  }
}`;

const STATS = `query($id: ID!, $metric: WearableMetric, $from: Date, $to: Date) {
  patient(id: $id) { timezone wearableDailyStats(metric: $metric, from: $from, to: $to) { day metric min max avg count unit } }
}`;

const READINGS = `query($id: ID!, $metric: WearableMetric, $from: DateTime, $to: DateTime, $first: Int, $after: String) {
  patient(id: $id) {
    wearableReadings(metric: $metric, from: $from, to: $to, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id provider metric value unit recordedAt providerReadingId } }
    }
  }
}`;

/** Seeded patients from..to (1-based indexes) with the given fields, in one request. */
async function seededPatients(from: number, to: number, fields: string): Promise<any[]> {
  const indexes = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const query = `{ ${indexes.map((i) => `p${i}: patient(id: "${seededPatientId(i)}") { id ${fields} }`).join(' ')} }`;
  return Object.values(await data(query));
}

function reading(metric: string, unit: string, value: number, recordedAt: string, provider = 'OURA'): ReadingInput {
  return { provider, metric, value, unit, recordedAt, providerReadingId: `test-${RUN}-${metric}-${recordedAt}-${value}` };
}

async function setTimezone(id: string, timezone: string): Promise<void> {
  const updated = await data('mutation($id: ID!, $tz: String!) { updatePatientProfile(id: $id, input: { timezone: $tz }) { timezone } }', {
    id,
    tz: timezone,
  });
  expect(updated.updatePatientProfile.timezone).toBe(timezone);
}

describe('wearables: reading a patient’s readings', () => {
  it('pages newest first with first/after, hasNextPage and a totalCount', async () => {
    const first = (await data(READINGS, { id: READER, first: 5 })).patient.wearableReadings;
    expect(first.totalCount).toBeGreaterThan(10);
    expect(first.edges).toHaveLength(5);
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(first.pageInfo.endCursor).toBe(first.edges[4].cursor);
    const second = (await data(READINGS, { id: READER, first: 5, after: first.pageInfo.endCursor })).patient.wearableReadings;
    expect(second.edges).toHaveLength(5);
    expect(second.totalCount).toBe(first.totalCount);
    const nodes = [...first.edges, ...second.edges].map((edge: any) => edge.node);
    expect(new Set(nodes.map((node: any) => node.id)).size).toBe(10);
    const times = nodes.map((node: any) => Date.parse(node.recordedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // The two pages together are the first ten of one page of ten.
    const ten = (await data(READINGS, { id: READER, first: 10 })).patient.wearableReadings;
    expect(ten.edges.map((edge: any) => edge.node.id)).toEqual(nodes.map((node: any) => node.id));
  });

  it('filters by metric and time window, and walking every page yields exactly totalCount readings', async () => {
    const latest = (await data(READINGS, { id: READER, first: 1 })).patient.wearableReadings.edges[0].node;
    const to = new Date(latest.recordedAt);
    const from = new Date(to.getTime() - 10 * 86_400_000);
    const all = (await data(READINGS, { id: READER, first: 1 })).patient.wearableReadings.totalCount;
    const seen: any[] = [];
    let after: string | null = null;
    let totalCount = 0;
    do {
      const page: any = (await data(READINGS, { id: READER, metric: latest.metric, from: from.toISOString(), to: to.toISOString(), first: 7, after }))
        .patient.wearableReadings;
      totalCount = page.totalCount;
      seen.push(...page.edges.map((edge: any) => edge.node));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(totalCount).toBeGreaterThan(7); // more than one page
    expect(totalCount).toBeLessThan(all);
    expect(seen).toHaveLength(totalCount);
    expect(new Set(seen.map((node) => node.id)).size).toBe(totalCount);
    for (const node of seen) {
      expect(node.metric).toBe(latest.metric);
      expect(Date.parse(node.recordedAt)).toBeGreaterThanOrEqual(from.getTime());
      expect(Date.parse(node.recordedAt)).toBeLessThanOrEqual(to.getTime());
    }
    // `from` and `to` are inclusive: a window of one instant holds the reading at that instant.
    const instant = (await data(READINGS, { id: READER, metric: latest.metric, from: latest.recordedAt, to: latest.recordedAt })).patient
      .wearableReadings;
    expect(instant.edges.map((edge: any) => edge.node.id)).toContain(latest.id);
    expect(instant.totalCount).toBe(instant.edges.length);
  });

  it('refuses a reversed window, a page size out of range and a forged cursor with BAD_USER_INPUT', async () => {
    expectBadInput(await ask(READINGS, { id: READER, from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' }), 'from');
    expectBadInput(await ask(READINGS, { id: READER, first: 101 }), 'first');
    expectBadInput(await ask(READINGS, { id: READER, first: 0 }), 'first');
    expectBadInput(await ask(READINGS, { id: READER, after: 'bm90LWEtY3Vyc29y' }), 'after');
    expectBadInput(await ask(STATS, { id: READER, from: '2026-03-02', to: '2026-03-01' }), 'from');
    const glucose = await ask('query($id: ID!) { patient(id: $id) { glucoseReadings(from: "2026-01-01T00:00:00Z", to: "2026-06-01T00:00:00Z") { id } } }', {
      id: READER,
    });
    expectBadInput(glucose, 'from');
  });

  it('lists daily stats oldest day first, within the filter, each consistent', async () => {
    const all = (await data(STATS, { id: READER })).patient.wearableDailyStats;
    expect(all.length).toBeGreaterThan(0);
    const { metric, day: lastDay } = all[all.length - 1];
    const from = new Date(Date.parse(`${lastDay}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10);
    const week = (await data(STATS, { id: READER, metric, from, to: lastDay })).patient.wearableDailyStats;
    expect(week.length).toBeGreaterThan(1);
    expect(week.length).toBeLessThanOrEqual(7);
    const days = week.map((stat: any) => stat.day);
    expect(days).toEqual([...days].sort());
    for (const stat of week) {
      expect(stat.metric).toBe(metric);
      expect(stat.day >= from && stat.day <= lastDay).toBe(true);
      expect(stat.min).toBeLessThanOrEqual(stat.avg);
      expect(stat.avg).toBeLessThanOrEqual(stat.max);
      expect(stat.count).toBeGreaterThan(0);
    }
    expect(all.filter((stat: any) => stat.metric === metric && stat.day >= from && stat.day <= lastDay)).toEqual(week);
  });

  it('answers every field of a listed daily stat, read with the columns its selection needs, as the stat read by id', async () => {
    const narrow = (await data(STATS, { id: READER })).patient.wearableDailyStats;
    const full = (await data('query($id: ID!) { patient(id: $id) { wearableDailyStats { id day metric min max avg count unit updatedAt patient { id } } } }', { id: READER })).patient
      .wearableDailyStats;
    expect(full.map(({ day, metric, min, max, avg, count, unit }: any) => ({ day, metric, min, max, avg, count, unit }))).toEqual(narrow);
    const last = full[full.length - 1];
    expect(last.patient.id).toBe(READER);
    expect(Number.isNaN(Date.parse(last.updatedAt))).toBe(false);
    const byId = (await data('query($id: ID!) { wearableDailyStat(id: $id) { id day metric avg updatedAt } }', { id: last.id })).wearableDailyStat;
    expect(byId).toEqual({ id: last.id, day: last.day, metric: last.metric, avg: last.avg, updatedAt: last.updatedAt });
  });

  it('answers an unknown patient with NOT_FOUND', async () => {
    const response = await ask('query($id: ID!) { patient(id: $id) { id wearableConnections { id } } }', { id: MISSING_ID });
    expect(response.data?.patient).toBeNull();
    expect(codes(response)).toContain('NOT_FOUND');
  });
});

describe('wearables: recording readings', () => {
  it('is idempotent: re-sending a batch inserts nothing and leaves the stats alone', async () => {
    const batch = [
      reading('SLEEP_SCORE', 'score', 70, '2026-02-03T12:00:00.000Z'),
      reading('SLEEP_SCORE', 'score', 80, '2026-02-03T13:00:00.000Z'),
      reading('SLEEP_SCORE', 'score', 90, '2026-02-04T12:00:00.000Z'),
    ];
    const once = (await data(RECORD, { patientId: IDEMPOTENT, readings: batch })).recordWearableReadings;
    expect(once.inserted).toBe(3);
    expect(once.skipped).toBe(0);
    expect(once.days.map((d: any) => d.day)).toEqual(['2026-02-03', '2026-02-04']);
    const twice = (await data(RECORD, { patientId: IDEMPOTENT, readings: batch })).recordWearableReadings;
    expect(twice).toEqual({ inserted: 0, skipped: 3, days: [] });
    // A batch that repeats a reading within itself stores it once.
    const repeated = reading('SLEEP_SCORE', 'score', 75, '2026-02-05T12:00:00.000Z');
    const dup = (await data(RECORD, { patientId: IDEMPOTENT, readings: [repeated, repeated] })).recordWearableReadings;
    expect(dup).toMatchObject({ inserted: 1, skipped: 1 });

    const stored = (
      await data(READINGS, { id: IDEMPOTENT, metric: 'SLEEP_SCORE', from: '2026-02-03T00:00:00Z', to: '2026-02-05T23:59:59Z' })
    ).patient.wearableReadings;
    expect(stored.totalCount).toBe(4);
    expect(stored.edges.map((edge: any) => edge.node.providerReadingId).sort()).toEqual([...batch, repeated].map((r) => r.providerReadingId).sort());
    expect(stored.edges[0].node).toMatchObject({ provider: 'OURA', metric: 'SLEEP_SCORE', value: 75, unit: 'score', recordedAt: repeated.recordedAt });
    const stats = (await data(STATS, { id: IDEMPOTENT, metric: 'SLEEP_SCORE', from: '2026-02-03', to: '2026-02-05' })).patient.wearableDailyStats;
    expect(stats.map((s: any) => [s.day, s.count])).toEqual([
      ['2026-02-03', 2],
      ['2026-02-04', 1],
      ['2026-02-05', 1],
    ]);
  });

  it('cuts days in the patient’s time zone: 03:00Z belongs to the previous New York day, with exact min/max/avg/count', async () => {
    await setTimezone(DAY_BOUNDARY, 'America/New_York');
    const readings = [
      reading('RESTING_HR', 'bpm', 62, '2026-02-10T15:00:00.000Z'), // 10:00 EST, Feb 10
      reading('RESTING_HR', 'bpm', 58, '2026-02-11T03:00:00.000Z'), // 22:00 EST, Feb 10
      reading('RESTING_HR', 'bpm', 55, '2026-02-11T15:00:00.000Z'), // 10:00 EST, Feb 11
      reading('RESTING_HR', 'bpm', 61, '2026-02-11T20:00:00.000Z'), // 15:00 EST, Feb 11
      reading('HRV_RMSSD', 'ms', 44, '2026-02-11T04:59:00.000Z'), // 23:59 EST, Feb 10
    ];
    const result = (await data(RECORD, { patientId: DAY_BOUNDARY, readings })).recordWearableReadings;
    expect(result.inserted).toBe(5);
    const expected = [
      { day: '2026-02-10', metric: 'HRV_RMSSD', min: 44, max: 44, avg: 44, count: 1, unit: 'ms' },
      { day: '2026-02-10', metric: 'RESTING_HR', min: 58, max: 62, avg: 60, count: 2, unit: 'bpm' },
      { day: '2026-02-11', metric: 'RESTING_HR', min: 55, max: 61, avg: 58, count: 2, unit: 'bpm' },
    ];
    expect(result.days).toEqual(expected);
    const read = (await data(STATS, { id: DAY_BOUNDARY, from: '2026-02-09', to: '2026-02-12' })).patient;
    expect(read.timezone).toBe('America/New_York');
    expect(read.wearableDailyStats).toEqual(expected);
    const oneDay = (await data(STATS, { id: DAY_BOUNDARY, metric: 'RESTING_HR', from: '2026-02-11', to: '2026-02-11' })).patient.wearableDailyStats;
    expect(oneDay).toEqual([expected[2]]);
  });

  it('cuts days correctly across the US DST changes (23-hour and 25-hour days)', async () => {
    await setTimezone(DST, 'America/New_York');
    const readings = [
      // Spring forward, Sunday 2026-03-08 at 02:00 EST → 03:00 EDT: the local day is 05:00Z → 04:00Z next day.
      reading('HRV_RMSSD', 'ms', 40, '2026-03-08T04:30:00.000Z'), // Mar 7, 23:30 EST
      reading('HRV_RMSSD', 'ms', 50, '2026-03-08T05:30:00.000Z'), // Mar 8, 00:30 EST
      reading('HRV_RMSSD', 'ms', 60, '2026-03-08T06:59:00.000Z'), // Mar 8, 01:59 EST
      reading('HRV_RMSSD', 'ms', 70, '2026-03-08T07:01:00.000Z'), // Mar 8, 03:01 EDT
      reading('HRV_RMSSD', 'ms', 80, '2026-03-09T03:30:00.000Z'), // Mar 8, 23:30 EDT
      reading('HRV_RMSSD', 'ms', 90, '2026-03-09T04:30:00.000Z'), // Mar 9, 00:30 EDT
      // Fall back, Sunday 2025-11-02 at 02:00 EDT → 01:00 EST: the local day is 04:00Z → 05:00Z next day.
      reading('HRV_RMSSD', 'ms', 30, '2025-11-02T03:30:00.000Z'), // Nov 1, 23:30 EDT
      reading('HRV_RMSSD', 'ms', 20, '2025-11-02T04:30:00.000Z'), // Nov 2, 00:30 EDT
      reading('HRV_RMSSD', 'ms', 25, '2025-11-03T04:30:00.000Z'), // Nov 2, 23:30 EST
      reading('HRV_RMSSD', 'ms', 35, '2025-11-03T05:30:00.000Z'), // Nov 3, 00:30 EST
    ];
    const result = (await data(RECORD, { patientId: DST, readings })).recordWearableReadings;
    expect(result.inserted).toBe(readings.length);
    const stat = (day: string, values: number[]) => ({
      day,
      metric: 'HRV_RMSSD',
      min: Math.min(...values),
      max: Math.max(...values),
      avg: values.reduce((a, b) => a + b, 0) / values.length,
      count: values.length,
      unit: 'ms',
    });
    const expected = [
      stat('2025-11-01', [30]),
      stat('2025-11-02', [20, 25]),
      stat('2025-11-03', [35]),
      stat('2026-03-07', [40]),
      stat('2026-03-08', [50, 60, 70, 80]),
      stat('2026-03-09', [90]),
    ];
    expect(result.days).toEqual(expected);
    const read = (await data(STATS, { id: DST, metric: 'HRV_RMSSD', from: '2025-10-31', to: '2026-03-10' })).patient.wearableDailyStats;
    expect(read).toEqual(expected);
  });

  it('refuses the whole batch at a wrong unit or an implausible value, naming the reading', async () => {
    const window = { id: INVALID, from: '2026-01-20T00:00:00Z', to: '2026-01-21T00:00:00Z' };
    const good = reading('RESTING_HR', 'bpm', 60, '2026-01-20T12:00:00.000Z');
    expectBadInput(await ask(RECORD, { patientId: INVALID, readings: [good, reading('RESTING_HR', 'ms', 60, '2026-01-20T13:00:00.000Z')] }), 'readings[1].unit');
    expectBadInput(await ask(RECORD, { patientId: INVALID, readings: [reading('SPO2', '%', 101, '2026-01-20T13:00:00.000Z')] }), 'readings[0].value');
    expectBadInput(await ask(RECORD, { patientId: INVALID, readings: [good, reading('RESTING_HR', 'bpm', 10, '2026-01-20T14:00:00.000Z')] }), 'readings[1].value');
    expectBadInput(await ask(RECORD, { patientId: INVALID, readings: [reading('STEPS', 'steps', -1, '2026-01-20T13:00:00.000Z')] }), 'readings[0].value');
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expectBadInput(await ask(RECORD, { patientId: INVALID, readings: [reading('RESTING_HR', 'bpm', 60, future)] }), 'readings[0].recordedAt');
    expectBadInput(await ask(RECORD, { patientId: INVALID, readings: [{ ...good, providerReadingId: '   ' }] }), 'readings[0].providerReadingId');
    expectBadInput(await ask(RECORD, { patientId: 'not-an-id', readings: [good] }), 'patientId');
    // Nothing of the refused batches was stored: the valid reading is still new.
    expect((await data(READINGS, window)).patient.wearableReadings.totalCount).toBe(0);
    expect((await data(RECORD, { patientId: INVALID, readings: [good] })).recordWearableReadings).toMatchObject({ inserted: 1, skipped: 0 });
    expect((await data(READINGS, window)).patient.wearableReadings.totalCount).toBe(1);
  });

  it('answers an unknown patient with NOT_FOUND and stores nothing', async () => {
    const lost = reading('RESTING_HR', 'bpm', 60, '2026-01-22T12:00:00.000Z');
    const response = await ask(RECORD, { patientId: MISSING_ID, readings: [lost] });
    expect(response.data).toBeNull();
    expect(codes(response)).toEqual(['NOT_FOUND']);
    // The same reading for a real patient is new, so nothing was written for the unknown one.
    expect((await data(RECORD, { patientId: INVALID, readings: [lost] })).recordWearableReadings.inserted).toBe(1);
  });
});

describe('wearables: connections', () => {
  it('never exposes token columns in the schema', async () => {
    const response = await data('{ __type(name: "WearableConnection") { fields { name } } }');
    const fields = response.__type.fields.map((field: { name: string }) => field.name);
    expect(fields.sort()).toEqual([
      'connectedAt', 'id', 'lastError', 'lastSyncedAt', 'provider', 'scopes', 'status',
      'syncFinishedAt', 'syncJobId', 'syncReadingsAdded', 'syncRequestedAt', 'syncStartedAt', 'syncStatus',
    ]);
    expect(fields.filter((name: string) => /token|secret|cursor|key|external/i.test(name))).toEqual([]);
    const asked = await ask('query($id: ID!) { patient(id: $id) { wearableConnections { accessTokenEnc } } }', { id: READER });
    expect(codes(asked)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('disconnects a wearable (and a Dexcom’s CGM with it), reading the change back', async () => {
    const patients = await seededPatients(150, 190, 'wearableConnections { provider status } cgmConnection { status }');
    const connected = (p: any, provider: string) => p.wearableConnections.some((c: any) => c.provider === provider && c.status === 'CONNECTED');
    const dexcom = patients.find((p) => connected(p, 'DEXCOM') && p.cgmConnection?.status === 'CONNECTED' && p.wearableConnections.length > 1);
    expect(dexcom).toBeDefined();
    const other = dexcom.wearableConnections.find((c: any) => c.provider !== 'DEXCOM');

    const MUTATION = 'mutation($id: ID!, $provider: WearableProvider!) { disconnectWearable(patientId: $id, provider: $provider) { id provider status } }';
    const result = (await data(MUTATION, { id: dexcom.id, provider: 'DEXCOM' })).disconnectWearable;
    expect(result).toMatchObject({ provider: 'DEXCOM', status: 'DISCONNECTED' });
    const after = (await data(`{ patient(id: "${dexcom.id}") { wearableConnections { id provider status } cgmConnection { status } } }`)).patient;
    expect(after.wearableConnections.find((c: any) => c.provider === 'DEXCOM')).toEqual(result);
    expect(after.wearableConnections.find((c: any) => c.provider === other.provider).status).toBe(other.status);
    expect(after.cgmConnection.status).toBe('DISCONNECTED');
    // Again: still disconnected, not an error.
    expect((await data(MUTATION, { id: dexcom.id, provider: 'DEXCOM' })).disconnectWearable.status).toBe('DISCONNECTED');

    const missingProvider = ['OURA', 'WHOOP', 'GARMIN', 'DEXCOM'].find((p) => !dexcom.wearableConnections.some((c: any) => c.provider === p));
    expect(missingProvider).toBeDefined();
    expect(codes(await ask(MUTATION, { id: dexcom.id, provider: missingProvider }))).toEqual(['NOT_FOUND']);
    expect(codes(await ask(MUTATION, { id: MISSING_ID, provider: 'OURA' }))).toEqual(['NOT_FOUND']);
    expectBadInput(await ask(MUTATION, { id: 'nope', provider: 'OURA' }), 'patientId');
  });
});

describe('wearables: weekly check-ins', () => {
  const SUBMIT = `mutation($id: ID!, $input: CheckInInput!) {
    submitCheckIn(patientId: $id, input: $input) { id weekStart energy sleepQuality mood stress adherence notes }
  }`;
  const scores = { energy: 6, sleepQuality: 7, mood: 8, stress: 3, adherence: 9 };

  it('refuses a week that does not start on a Monday, a future week and out-of-range scores', async () => {
    expect(new Date('2026-03-03T00:00:00Z').getUTCDay()).toBe(2);
    expectBadInput(await ask(SUBMIT, { id: CHECK_INS, input: { weekStart: '2026-03-03', ...scores } }), 'input.weekStart');
    const nextMonday = new Date(Date.now() + 8 * 86_400_000);
    nextMonday.setUTCDate(nextMonday.getUTCDate() + ((8 - nextMonday.getUTCDay()) % 7));
    expect(nextMonday.getUTCDay()).toBe(1);
    expectBadInput(await ask(SUBMIT, { id: CHECK_INS, input: { weekStart: nextMonday.toISOString().slice(0, 10), ...scores } }), 'input.weekStart');
    expectBadInput(await ask(SUBMIT, { id: CHECK_INS, input: { weekStart: '2026-03-02', ...scores, energy: 11 } }), 'input.energy');
    expectBadInput(await ask(SUBMIT, { id: CHECK_INS, input: { weekStart: '2026-03-02', ...scores, stress: 0 } }), 'input.stress');
    expectBadInput(await ask(SUBMIT, { id: CHECK_INS, input: { weekStart: '2026-03-02', ...scores, notes: 'x'.repeat(2001) } }), 'input.notes');
    expect(codes(await ask(SUBMIT, { id: MISSING_ID, input: { weekStart: '2026-03-02', ...scores } }))).toEqual(['NOT_FOUND']);
    // None of the refused check-ins was stored.
    const stored = (await data(`{ patient(id: "${CHECK_INS}") { checkIns { weekStart } } }`)).patient.checkIns;
    expect(stored.map((c: any) => c.weekStart)).not.toContain('2026-03-02');
  });

  it('lets a patient write and read their own check-ins, and no one else’s', async () => {
    const own = 196;
    const patient = await authHeaders('customer', { patientIndex: own });
    const mine = { id: seededPatientId(own), input: { weekStart: '2026-03-09', ...scores, notes: `mine ${RUN}` } };
    const written = (await gql(SUBMIT, mine, { headers: patient })).data?.submitCheckIn;
    expect(written).toMatchObject({ weekStart: '2026-03-09', notes: `mine ${RUN}` });
    const read = await gql(`{ me { checkIns { id weekStart notes } } }`, {}, { headers: patient });
    expect(read.errors).toBeUndefined();
    expect(read.data!.me.checkIns).toContainEqual({ id: written.id, weekStart: '2026-03-09', notes: `mine ${RUN}` });
    const theirs = await gql(SUBMIT, { ...mine, id: CHECK_INS }, { headers: patient });
    expect(codes(theirs)).toEqual(['FORBIDDEN']);
    const peek = await gql(`{ patient(id: "${CHECK_INS}") { checkIns { id } } }`, {}, { headers: patient });
    expect(codes(peek)).toContain('FORBIDDEN');
  });

  it('stores a check-in, and a second one for the same week replaces it', async () => {
    const weekStart = '2026-03-16';
    expect(new Date(`${weekStart}T00:00:00Z`).getUTCDay()).toBe(1);
    const first = (await data(SUBMIT, { id: CHECK_INS, input: { weekStart, ...scores, notes: `  first ${RUN}  ` } })).submitCheckIn;
    expect(first).toMatchObject({ weekStart, ...scores, notes: `first ${RUN}` });
    const second = (await data(SUBMIT, { id: CHECK_INS, input: { weekStart, ...scores, energy: 2, mood: 10, notes: null } })).submitCheckIn;
    expect(second).toEqual({ id: first.id, weekStart, ...scores, energy: 2, mood: 10, notes: null });
    const checkIns = (await data(`{ patient(id: "${CHECK_INS}") { checkIns { id weekStart energy mood notes } } }`)).patient.checkIns;
    expect(checkIns.filter((c: any) => c.weekStart === weekStart)).toEqual([{ id: first.id, weekStart, energy: 2, mood: 10, notes: null }]);
    const weeks = checkIns.map((c: any) => c.weekStart);
    expect(weeks).toEqual([...weeks].sort().reverse());
  });
});

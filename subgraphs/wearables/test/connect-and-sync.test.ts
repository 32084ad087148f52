// Connecting wearables and syncing them, through the real gateway against the test stack's
// vendor simulators: the full OAuth round trip, forged / reused / foreign states refused,
// idempotent re-syncs, a 429 retried, one failing vendor not holding up another, seeded
// connections syncing on demand, CGM readings, and a subscriber seeing a sync's readings live.
import { randomBytes } from 'node:crypto';
import { authHeaders, seededPatientId } from '../../../test/support/auth';
import { codes, expectBadInput, gatewayUrl, gql, stackSubgraphBase } from '../../../test/support/graphql';
import { metricTotal } from '../../../test/support/metrics';
import { collect, eventually, metric, wsClient } from '../../../test/support/ws';
import { accountRequests, approveAt, controlAccount, stackSimulator, uniqueLogin } from './support/simulators';
import { serviceLogger } from '../../../shared/logger';
import { pluginFor } from '../providers';
import { sharedVendorPacing } from '../sync/vendor-pacing';

const START = `mutation($provider: WearableProvider!, $p: ID) {
  startWearableConnection(provider: $provider, patientId: $p) { provider authorizationUrl state expiresAt }
}`;
const COMPLETE = `mutation($provider: WearableProvider!, $code: String!, $state: String!, $p: ID) {
  completeWearableConnection(provider: $provider, code: $code, state: $state, patientId: $p) { id provider status scopes syncStatus syncJobId }
}`;
const SYNC = 'mutation($p: ID) { syncWearables(patientId: $p) { id provider status syncStatus syncJobId } }';
const CONNECTIONS = `query($p: ID!) { patient(id: $p) {
  wearableConnections { id provider status syncStatus syncJobId syncRequestedAt syncFinishedAt lastSyncedAt lastError syncReadingsAdded }
  wearableReadings(first: 1) { totalCount }
} }`;
const READINGS = 'subscription($p: ID!) { wearableReadingAdded(patientId: $p) { provider metric value unit providerReadingId patient { id firstName } } }';

let admin: Record<string, string>;
/** Seeded patients (1-based index) without any wearable, for connecting new ones. */
let fresh: number[];

async function must(query: string, variables: Record<string, unknown>, headers = admin): Promise<any> {
  const response = await gql(query, variables, { headers });
  expect(response.errors ?? []).toEqual([]);
  return response.data;
}

const connections = async (patientId: string) => (await must(CONNECTIONS, { p: patientId })).patient;

/** Waits for job `jobId` of the patient's `provider` connection to finish; returns the connection. */
async function finished(patientId: string, provider: string, jobId: string): Promise<any> {
  let found: any;
  await eventually(
    async () => {
      found = (await connections(patientId)).wearableConnections.find((c: any) => c.provider === provider);
      return found?.syncJobId === jobId && ['SUCCEEDED', 'FAILED'].includes(found.syncStatus);
    },
    30_000,
    `${provider} sync ${jobId} to finish`,
  );
  return found;
}

/** The OAuth round trip as `headers` (a patient for themselves, or staff naming `patientId`). */
async function connect(provider: string, login: string, headers: Record<string, string>, patientId?: string) {
  const started = (await must(START, { provider, p: patientId }, headers)).startWearableConnection;
  const { code, state } = await approveAt(started.authorizationUrl, login);
  return (await must(COMPLETE, { provider, code, state, p: patientId }, headers)).completeWearableConnection;
}

beforeAll(async () => {
  admin = await authHeaders('admin');
  const indexes = Array.from({ length: 30 }, (_, i) => 120 + i);
  const query = `{ ${indexes.map((i) => `p${i}: patient(id: "${seededPatientId(i)}") { wearableConnections { id } }`).join(' ')} }`;
  const found = await must(query, {});
  fresh = indexes.filter((i) => found[`p${i}`].wearableConnections.length === 0);
  expect(fresh.length).toBeGreaterThanOrEqual(6);
});

describe('connecting a wearable', () => {
  it('runs the OAuth round trip as the patient, and a subscriber sees the first sync’s readings live', async () => {
    const index = fresh[0];
    const patientId = seededPatientId(index);
    const customer = await authHeaders('customer', { patientIndex: index });
    const active = () => metric(stackSubgraphBase('wearables'), 'subgraph_ws_active_subscriptions', 'service="wearables"');
    const before = await active();
    const client = wsClient(customer.authorization);
    const stream = collect(client, READINGS, { p: patientId });
    try {
      await eventually(async () => (await active()) > before, 5_000, 'the subscription to reach the wearables subgraph');
      const started = (await must(START, { provider: 'OURA' }, customer)).startWearableConnection;
      const url = new URL(started.authorizationUrl);
      expect(`${url.origin}${url.pathname}`).toBe(`${stackSimulator('OURA')}/oauth/authorize`);
      expect(Object.fromEntries(url.searchParams)).toMatchObject({ response_type: 'code', client_id: expect.any(String), state: started.state });
      expect(url.searchParams.get('scope')).toContain('daily');
      expect(Date.parse(started.expiresAt)).toBeGreaterThan(Date.now());

      const back = await approveAt(started.authorizationUrl, uniqueLogin('roundtrip'));
      expect(back.state).toBe(started.state);
      expect(back.redirectedTo).toBe(`${stackSimulator('OURA')}/callback`);
      const connection = (await must(COMPLETE, { provider: 'OURA', code: back.code, state: back.state }, customer)).completeWearableConnection;
      expect(connection).toMatchObject({ provider: 'OURA', status: 'CONNECTED', scopes: expect.arrayContaining(['daily', 'heartrate']) });
      expect(['QUEUED', 'RUNNING', 'SUCCEEDED']).toContain(connection.syncStatus);

      const synced = await finished(patientId, 'OURA', connection.syncJobId);
      expect(synced).toMatchObject({ status: 'CONNECTED', syncStatus: 'SUCCEEDED', lastError: null });
      expect(synced.syncReadingsAdded).toBeGreaterThan(30);
      expect((await connections(patientId)).wearableReadings.totalCount).toBe(synced.syncReadingsAdded);

      const [event] = await stream.waitFor(1, 10_000);
      expect(event.errors).toBeUndefined();
      expect((event.data as any).wearableReadingAdded).toMatchObject({ provider: 'OURA', patient: { id: patientId } });
      expect(typeof (event.data as any).wearableReadingAdded.patient.firstName).toBe('string');
      await eventually(async () => stream.events.length === synced.syncReadingsAdded, 10_000, 'one event per stored reading');
      expect(new Set(stream.events.map((e) => (e.data as any).wearableReadingAdded.providerReadingId)).size).toBe(synced.syncReadingsAdded);
    } finally {
      stream.dispose();
      await client.dispose();
    }
  });

  it('refuses a forged state, a reused one, and one issued for another patient or provider', async () => {
    const [a, b] = [fresh[1], fresh[2]];
    const [patientA, patientB] = [seededPatientId(a), seededPatientId(b)];
    const [customerA, customerB] = [await authHeaders('customer', { patientIndex: a }), await authHeaders('customer', { patientIndex: b })];

    const forB = (await must(START, { provider: 'GARMIN' }, customerB)).startWearableConnection;
    const approvedB = await approveAt(forB.authorizationUrl, uniqueLogin('victim'));
    // A's client presents B's state (a link crafted for someone else): refused, and B's state stays usable.
    expectBadInput(await gql(COMPLETE, { provider: 'GARMIN', code: approvedB.code, state: approvedB.state }, { headers: customerA }), 'state');
    // The right patient but another provider.
    expectBadInput(await gql(COMPLETE, { provider: 'OURA', code: approvedB.code, state: approvedB.state }, { headers: customerB }), 'state');
    const forged = randomBytes(32).toString('base64url');
    expectBadInput(await gql(COMPLETE, { provider: 'GARMIN', code: approvedB.code, state: forged }, { headers: customerB }), 'state');
    const connected = (await must(COMPLETE, { provider: 'GARMIN', code: approvedB.code, state: approvedB.state }, customerB)).completeWearableConnection;
    expect(connected).toMatchObject({ provider: 'GARMIN', status: 'CONNECTED' });
    // Replayed: the state was used.
    const replay = await gql(COMPLETE, { provider: 'GARMIN', code: approvedB.code, state: approvedB.state }, { headers: customerB });
    expectBadInput(replay, 'state');
    expect(replay.errors![0].message).toMatch(/already used/);

    expect((await connections(patientA)).wearableConnections).toEqual([]);
    // A patient cannot start a connection for someone else.
    const foreign = await gql(START, { provider: 'WHOOP', p: patientB }, { headers: customerA });
    expect(codes(foreign)).toEqual(['FORBIDDEN']);
    await finished(patientB, 'GARMIN', connected.syncJobId);
  });
});

describe('syncing', () => {
  it('writes each reading once when a sync runs twice, and fills the CGM readings from Dexcom', async () => {
    const patientId = seededPatientId(fresh[3]);
    const login = uniqueLogin('twice');
    // Fixed readings, some within the hour a re-sync fetches again.
    const now = Date.now();
    const records = [26 * 60, 5 * 60, 50, 35, 20].map((minutesAgo, i) => {
      const at = new Date(Math.floor((now - minutesAgo * 60_000) / 1000) * 1000);
      return { recordId: `${login}-${i}`, systemTime: at.toISOString().slice(0, 19), value: 90 + i * 10, trend: i % 2 ? 'fortyFiveUp' : 'flat', unit: 'mg/dL' };
    });
    await controlAccount(stackSimulator('DEXCOM'), login, { fixtures: { '/v3/users/self/egvs': records } });
    const succeeded = () => metricTotal(stackSubgraphBase('wearables'), 'wearables_sync_jobs_total', { provider: 'DEXCOM', outcome: 'succeeded' });
    const succeededBefore = await succeeded();
    const connection = await connect('DEXCOM', login, admin, patientId);
    const first = await finished(patientId, 'DEXCOM', connection.syncJobId);
    expect(first).toMatchObject({ syncStatus: 'SUCCEEDED', syncReadingsAdded: records.length });
    const requestsBefore = (await accountRequests(stackSimulator('DEXCOM'), login)).length;

    const [queued] = (await must(SYNC, { p: patientId })).syncWearables;
    // A new job, shown as queued, or further on when a worker (idle since the first sync) took it first.
    expect(queued.provider).toBe('DEXCOM');
    expect(['QUEUED', 'RUNNING', 'SUCCEEDED']).toContain(queued.syncStatus);
    expect(queued.syncJobId).not.toBe(connection.syncJobId);
    const second = await finished(patientId, 'DEXCOM', queued.syncJobId);
    expect(second).toMatchObject({ syncStatus: 'SUCCEEDED', syncReadingsAdded: 0, lastError: null });
    const refetched = (await accountRequests(stackSimulator('DEXCOM'), login)).slice(requestsBefore);
    expect(refetched.filter((r) => r.path.includes('/egvs') && r.status === 200).length).toBeGreaterThan(0);
    expect((await connections(patientId)).wearableReadings.totalCount).toBe(records.length);
    await eventually(async () => (await succeeded()) >= succeededBefore + 2, 5_000, 'both syncs to be counted');

    const cgm = (
      await must(
        'query($p: ID!, $from: DateTime!) { patient(id: $p) { cgmConnection { provider status deviceSerial lastReadingAt } glucoseReadings(from: $from) { valueMgDl trend recordedAt } } }',
        { p: patientId, from: new Date(now - 2 * 86_400_000).toISOString() },
      )
    ).patient;
    expect(cgm.cgmConnection).toMatchObject({ provider: 'DEXCOM', status: 'CONNECTED', deviceSerial: expect.stringMatching(/^G7/) });
    expect(cgm.cgmConnection.lastReadingAt).toBe(new Date(`${records[records.length - 1].systemTime}Z`).toISOString());
    expect(cgm.glucoseReadings.map((g: any) => [g.valueMgDl, g.trend])).toEqual(records.map((r) => [r.value, r.trend === 'flat' ? 'FLAT' : 'FORTY_FIVE_UP']));
  });

  it('retries a rate-limited request (429) and succeeds; a vendor that keeps failing does not hold up another', async () => {
    const patientId = seededPatientId(fresh[4]);
    const [whoopLogin, ouraLogin] = [uniqueLogin('limited'), uniqueLogin('steady')];
    const whoop = await connect('WHOOP', whoopLogin, admin, patientId);
    const oura = await connect('OURA', ouraLogin, admin, patientId);
    await finished(patientId, 'WHOOP', whoop.syncJobId);
    await finished(patientId, 'OURA', oura.syncJobId);

    // One 429 (Retry-After: 1), then the vendor answers again.
    await controlAccount(stackSimulator('WHOOP'), whoopLogin, { faults: [{ kind: 'rate_limit', times: 1, retryAfterSeconds: 1 }] });
    const seen = (await accountRequests(stackSimulator('WHOOP'), whoopLogin)).length;
    let jobs = (await must(SYNC, { p: patientId })).syncWearables;
    const limited = await finished(patientId, 'WHOOP', jobs.find((c: any) => c.provider === 'WHOOP').syncJobId);
    expect(limited).toMatchObject({ status: 'CONNECTED', syncStatus: 'SUCCEEDED', lastError: null });
    const during = (await accountRequests(stackSimulator('WHOOP'), whoopLogin)).slice(seen);
    const rejected = during.findIndex((r) => r.status === 429);
    expect(rejected).toBeGreaterThanOrEqual(0);
    expect(during[rejected + 1]).toMatchObject({ path: during[rejected].path, status: 200 });

    // WHOOP down for good (every request a 503): it fails on its own (handed back to the queue to retry), OURA syncs.
    const retrying = () => metricTotal(stackSubgraphBase('wearables'), 'wearables_sync_jobs_total', { provider: 'WHOOP', outcome: 'failed_retryable' });
    const retryingBefore = await retrying();
    await controlAccount(stackSimulator('WHOOP'), whoopLogin, { faults: [{ kind: 'server_error', times: 'always' }] });
    try {
      jobs = (await must(SYNC, { p: patientId })).syncWearables;
      const [failed, ok] = await Promise.all([
        finished(patientId, 'WHOOP', jobs.find((c: any) => c.provider === 'WHOOP').syncJobId),
        finished(patientId, 'OURA', jobs.find((c: any) => c.provider === 'OURA').syncJobId),
      ]);
      expect(failed).toMatchObject({ status: 'ERROR', syncStatus: 'FAILED', lastError: expect.stringContaining('WHOOP answered 503') });
      expect(ok).toMatchObject({ status: 'CONNECTED', syncStatus: 'SUCCEEDED', lastError: null });
      expect(Date.parse(ok.lastSyncedAt)).toBeGreaterThan(Date.parse(limited.lastSyncedAt));
      await eventually(async () => (await retrying()) >= retryingBefore + 1, 5_000, 'the failure to be counted');
    } finally {
      await controlAccount(stackSimulator('WHOOP'), whoopLogin, { reset: true });
    }
  });

  it('syncs a seeded patient’s simulated devices on demand, as that patient', async () => {
    const indexes = Array.from({ length: 30 }, (_, i) => 120 + i).filter((i) => !fresh.includes(i));
    const index = indexes[0];
    const patientId = seededPatientId(index);
    const customer = await authHeaders('customer', { patientIndex: index });
    const jobs = (await must(SYNC, {}, customer)).syncWearables;
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) {
      expect(await finished(patientId, job.provider, job.syncJobId)).toMatchObject({ status: 'CONNECTED', syncStatus: 'SUCCEEDED', lastError: null });
    }
    // Another patient's devices are not theirs to sync.
    expect(codes(await gql(SYNC, { p: seededPatientId(fresh[0]) }, { headers: customer }))).toEqual(['FORBIDDEN']);
  });
});

// The stack shares the vendors' schedules only through Redis: this runs in the CI pass that sets REDIS_URL.
const withRedis = process.env.REDIS_URL ? describe : describe.skip;

withRedis('with REDIS_URL, the vendors’ rate limits', () => {
  it('are shared with other processes: a sync waits for the turns another replica took', async () => {
    const patientId = seededPatientId(fresh[5]);
    // This test stands for another replica, taking its turns from the stack's own OURA schedule.
    const replica = sharedVendorPacing(process.env.REDIS_URL!, { log: serviceLogger('test-replica') });
    const { perSecond, burst } = pluginFor('OURA').rateLimit;
    const intervalMs = 1000 / perSecond;
    const ahead = Math.ceil(2 * perSecond);
    try {
      const filled = Date.now();
      // The burst and two seconds beyond it: the burst's turns come at once, the rest are reserved.
      const turns = Array.from({ length: burst + ahead }, () => replica.pacer('OURA').take());
      await Promise.all(turns.slice(0, burst));
      const login = uniqueLogin('paced');
      const connection = await connect('OURA', login, admin, patientId);
      expect(await finished(patientId, 'OURA', connection.syncJobId)).toMatchObject({ syncStatus: 'SUCCEEDED', lastError: null });
      await Promise.all(turns);
      // With a limit per process, the stack's first call to the vendor would not wait for this replica's turns.
      const [first] = await accountRequests(stackSimulator('OURA'), login);
      expect(Date.parse(first.at) - filled).toBeGreaterThanOrEqual(ahead * intervalMs);
    } finally {
      await replica.close();
    }
  });
});

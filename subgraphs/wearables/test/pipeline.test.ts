// The wearables domain in-process (see support/harness.ts): sealed tokens as the database
// holds them, key rotation and token refresh, an expired OAuth state, exact daily stats from a
// sync across a daylight-saving change, and the job queue across a process restart and on its
// daily schedule. The graph behaviours are in connect-and-sync.test.ts, through the gateway.
import { randomUUID } from 'node:crypto';
import { seededPatientId } from '../../../prisma/seed/identities';
import { systemClock } from '../../../shared/clock';
import { loadConfig } from '../../../shared/config';
import { serviceRegistry } from '../../../shared/observability/service-metrics';
import { parseSamples, total } from '../../../test/support/metrics';
import { eventually } from '../../../test/support/ws';
import { startWearablesServices } from '../background';
import { PROVIDERS } from '../config';
import { completeConnection, startConnection } from '../connect';
import { syncConnection } from '../sync/pipeline';
import { domainPorts } from '../../../bin/ports';
import { DAILY_QUEUE, startSyncQueue, SYNC_PRIORITY } from '../sync/queue';
import { requestDailySync, requestSync } from '../sync/request';
import { tokenBinding } from '../tokens/keyring';
import { newKey, startHarness, type Harness } from './support/harness';
import { accountRequests, approveAt, controlAccount, uniqueLogin } from './support/simulators';

const [P1, P2, P3] = [1, 2, 3].map(seededPatientId);
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const connectionRow = (id: string) => h.prisma.wearableConnection.findUniqueOrThrow({ where: { id } });

/** A process's queue with workers that run the real sync (no daily fan-out). */
const startSyncWorker = () =>
  startSyncQueue({
    db: h.db,
    config: h.config,
    log: h.log,
    handlers: { sync: async (job) => void (await syncConnection(h.syncDeps(), job.data.connectionId, job.id)), daily: async () => {} },
  });

describe('vendor tokens at rest', () => {
  it('are sealed (AES-256-GCM) under the current key id and bound to their connection: never plaintext', async () => {
    const connection = await h.connect(P1, 'OURA', uniqueLogin('sealed'));
    const [row] = await h.db.sql.query<{ access_token_enc: string; refresh_token_enc: string; token_key_id: string }>(
      `SELECT access_token_enc, refresh_token_enc, token_key_id FROM patient_graph.wearable_data WHERE id = $1`,
      [connection.id],
    );
    expect(row.token_key_id).toBe('k1');
    const access = h.keyring.decrypt({ kid: 'k1', ciphertext: row.access_token_enc }, tokenBinding(P1, 'OURA'));
    const refresh = h.keyring.decrypt({ kid: 'k1', ciphertext: row.refresh_token_enc }, tokenBinding(P1, 'OURA'));
    // The simulator's tokens are recognisable (sim_access., sim_refresh.): none of it is stored as such.
    expect(access).toMatch(/^sim_access\./);
    expect(refresh).toMatch(/^sim_refresh\./);
    for (const sealed of [row.access_token_enc, row.refresh_token_enc]) {
      expect(sealed).toMatch(/^v1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
      expect(sealed).not.toContain('sim_');
      expect(sealed).not.toContain(access.split('.')[1].slice(0, 16));
    }
    // Pasted into another patient's row, the ciphertext does not open.
    expect(() => h.keyring.decrypt({ kid: 'k1', ciphertext: row.access_token_enc }, tokenBinding(P2, 'OURA'))).toThrow();
    // A truncated authentication tag is refused (GCM would accept a short tag otherwise).
    const [format, iv, tag, body] = String(row.access_token_enc).split('.');
    const shortTag = Buffer.from(tag, 'base64url').subarray(0, 4).toString('base64url');
    expect(() => h.keyring.decrypt({ kid: 'k1', ciphertext: [format, iv, shortTag, body].join('.') }, tokenBinding(P1, 'OURA'))).toThrow(/does not open/);
  });

  it('still open after a key rotation, and are re-sealed with the new key when refreshed', async () => {
    const login = uniqueLogin('rotate');
    const connection = await h.connect(P2, 'GARMIN', login);
    const before = await connectionRow(connection.id);
    expect(before.tokenKeyId).toBe('k1');
    h.rotateTo('k2');
    // The vendor refuses the access token once: the sync refreshes it and goes on.
    await controlAccount(h.simulator('GARMIN'), login, { faults: [{ kind: 'unauthorized', times: 1 }] });
    const outcome = await syncConnection(h.syncDeps(), connection.id, randomUUID());
    expect(outcome).toMatchObject({ status: 'succeeded' });
    const after = await connectionRow(connection.id);
    expect(after.tokenKeyId).toBe('k2');
    expect(after.accessTokenEnc).not.toBe(before.accessTokenEnc);
    expect(h.keyring.decrypt({ kid: 'k2', ciphertext: after.accessTokenEnc! }, tokenBinding(P2, 'GARMIN'))).toMatch(/^sim_access\./);
    const statuses = (await accountRequests(h.simulator('GARMIN'), login)).map((request) => request.status);
    expect(statuses[0]).toBe(401);
    expect(statuses.slice(1).every((status) => status === 200)).toBe(true);
  });
});

describe('the OAuth state', () => {
  it('is refused once expired, and the connection is not made', async () => {
    const started = await startConnection(h.connectDeps(), { profileId: P3, provider: 'WHOOP', createdBy: 'test' });
    const { code, state } = await approveAt(started.authorizationUrl, uniqueLogin('late'));
    expect(state).toBe(started.state);
    const late = new Date(started.expiresAt.getTime() + 1_000);
    await expect(completeConnection(h.connectDeps(), { profileId: P3, provider: 'WHOOP', code, state }, late)).rejects.toMatchObject({
      message: expect.stringContaining('expired'),
      extensions: { code: 'BAD_USER_INPUT', argument: 'state' },
    });
    const stored = await h.prisma.wearableOAuthState.findMany({ where: { profileId: P3, provider: 'WHOOP' } });
    expect(stored.map((row) => row.usedAt)).toEqual([null]);
    expect(JSON.stringify(stored)).not.toContain(state);
  });
});

describe('a sync across a daylight-saving change', () => {
  // America/New_York springs forward on 2026-03-08 at 02:00 EST -> 03:00 EDT: that local day lasts 23 hours.
  const FIXTURE = [
    { at: '2026-03-08T04:30:00Z', value: 100, trend: 'flat' }, // Mar 7, 23:30 EST
    { at: '2026-03-08T05:30:00Z', value: 110, trend: 'fortyFiveUp' }, // Mar 8, 00:30 EST
    { at: '2026-03-08T06:59:00Z', value: 120, trend: 'singleUp' }, // Mar 8, 01:59 EST
    { at: '2026-03-08T07:01:00Z', value: 130, trend: 'doubleUp' }, // Mar 8, 03:01 EDT
    { at: '2026-03-09T03:30:00Z', value: 140, trend: 'singleDown' }, // Mar 8, 23:30 EDT
    { at: '2026-03-09T04:30:00Z', value: 150, trend: 'flat' }, // Mar 9, 00:30 EDT
  ];

  it('stores exact daily stats in the patient’s zone, the CGM readings with their trends, and nothing twice on a re-run', async () => {
    await h.prisma.customerProfile.update({ where: { id: P3 }, data: { timezone: 'America/New_York' } });
    const login = uniqueLogin('dst');
    await controlAccount(h.simulator('DEXCOM'), login, {
      fixtures: {
        '/v3/users/self/egvs': FIXTURE.map((r, i) => ({ recordId: `dst-${login}-${i}`, systemTime: r.at.replace('Z', ''), displayTime: r.at, value: r.value, trend: r.trend, unit: 'mg/dL' })),
      },
    });
    const connection = await h.connect(P3, 'DEXCOM', login);
    // A seeded Dexcom may have been reconnected: start from the beginning of the window.
    await h.prisma.wearableConnection.update({ where: { id: connection.id }, data: { syncCursor: null } });
    const now = () => new Date('2026-03-10T12:00:00Z');

    const first = await syncConnection(h.syncDeps(now), connection.id, randomUUID());
    expect(first).toMatchObject({ status: 'succeeded', fetched: 6, inserted: 6, rejected: 0 });
    const stats = await h.prisma.wearableDailyStat.findMany({
      where: { profileId: P3, metric: 'GLUCOSE', day: { gte: new Date('2026-03-06'), lte: new Date('2026-03-10') } },
      orderBy: { day: 'asc' },
      select: { day: true, min: true, max: true, avg: true, count: true, unit: true },
    });
    expect(stats).toEqual([
      { day: new Date('2026-03-07'), min: 100, max: 100, avg: 100, count: 1, unit: 'mg/dL' },
      { day: new Date('2026-03-08'), min: 110, max: 140, avg: 125, count: 4, unit: 'mg/dL' },
      { day: new Date('2026-03-09'), min: 150, max: 150, avg: 150, count: 1, unit: 'mg/dL' },
    ]);
    const glucose = await h.prisma.glucoseReading.findMany({ where: { profileId: P3, recordedAt: { gte: new Date('2026-03-01'), lt: new Date('2026-03-11') } }, orderBy: { recordedAt: 'asc' } });
    expect(glucose.map((g) => [g.recordedAt.toISOString(), g.valueMgDl, g.trend])).toEqual(
      FIXTURE.map((r) => [new Date(r.at).toISOString(), r.value, { flat: 'FLAT', fortyFiveUp: 'FORTY_FIVE_UP', singleUp: 'SINGLE_UP', doubleUp: 'DOUBLE_UP', singleDown: 'SINGLE_DOWN' }[r.trend]]),
    );
    const cgm = await h.prisma.cgmConnection.findUniqueOrThrow({ where: { profileId_provider: { profileId: P3, provider: 'DEXCOM' } } });
    expect(cgm.status).toBe('CONNECTED');
    expect(cgm.deviceSerial).toMatch(/^G7[0-9A-F]{8}$/);

    // The same window again (the cursor is cleared): everything fetched again, nothing written twice.
    await h.prisma.wearableConnection.update({ where: { id: connection.id }, data: { syncCursor: null } });
    const again = await syncConnection(h.syncDeps(now), connection.id, randomUUID());
    expect(again).toMatchObject({ status: 'succeeded', fetched: 6, inserted: 0 });
    expect(await h.prisma.wearableReading.count({ where: { profileId: P3, provider: 'DEXCOM', providerReadingId: { startsWith: `dst-${login}` } } })).toBe(6);
    const raw = await h.prisma.wearableRawPayload.count({ where: { connectionId: connection.id, resource: 'egvs' } });
    expect(raw).toBeGreaterThanOrEqual(2 * 5); // two syncs, each a 30-day window in week-long pages
  });
});

describe('the sync queue', () => {
  it('keeps a queued job across a restart: the next process runs it', async () => {
    const connection = await h.connect(P1, 'WHOOP', uniqueLogin('restart'));
    const sender = await startSyncQueue({ db: h.db, config: h.config, log: h.log });
    const jobId = await requestSync(h.prisma, sender, connection, 'on-demand');
    await sender.stop();
    expect(await connectionRow(connection.id)).toMatchObject({ syncStatus: 'QUEUED', syncJobId: jobId });

    const worker = await startSyncWorker();
    try {
      await eventually(async () => (await connectionRow(connection.id)).syncStatus === 'SUCCEEDED', 30_000, 'the queued sync to run');
      const row = await connectionRow(connection.id);
      expect(row.syncJobId).toBe(jobId);
      expect(row.syncReadingsAdded).toBeGreaterThan(0);
      expect(row.lastSyncedAt).not.toBeNull();
    } finally {
      await worker.stop();
    }
  }, 60_000);

  it('runs no sync in a process started with WEARABLES_SYNC_WORKERS=false: it queues, reports the job waiting, and a worker process runs it', async () => {
    const connection = await h.connect(P1, 'GARMIN', uniqueLogin('api-only'));
    // Every vendor "configured", so this process starts no simulators of its own.
    const env = { NODE_ENV: 'test', WEARABLES_SYNC_WORKERS: 'false', WEARABLE_TOKEN_KEYS: newKey('k9'), ...Object.fromEntries(PROVIDERS.map((provider) => [`${provider}_CLIENT_ID`, 'configured'])) };
    const started = await startWearablesServices({ prisma: h.prisma, ports: domainPorts(h.prisma), db: h.db, pubsub: h.pubsub, queue: h.jobs, config: loadConfig(env), log: h.log, clock: systemClock });
    let jobId: string;
    try {
      jobId = await requestSync(h.prisma, started.services.queue, connection, 'on-demand');
      await new Promise((resolve) => setTimeout(resolve, 3_000)); // longer than a worker's poll (2 s)
      expect(await connectionRow(connection.id)).toMatchObject({ syncStatus: 'QUEUED', syncJobId: jobId });
      const samples = parseSamples(await serviceRegistry('wearables').metrics());
      expect(total(samples, 'wearables_sync_queue_jobs', { queue: 'wearables-sync-garmin', state: 'queued' })).toBe(1);
      expect(total(samples, 'wearables_sync_queue_jobs', { queue: 'wearables-sync-garmin', state: 'active' })).toBe(0);
    } finally {
      await started.stop();
    }
    const worker = await startSyncWorker();
    try {
      await eventually(async () => (await connectionRow(connection.id)).syncStatus === 'SUCCEEDED', 30_000, 'a worker to run the queued sync');
      expect((await connectionRow(connection.id)).syncJobId).toBe(jobId);
    } finally {
      await worker.stop();
    }
  }, 60_000);

  it('never syncs one connection twice at once: a request during a sync waits for it, without holding up others', async () => {
    const busy = await h.connect(P3, 'OURA', uniqueLogin('busy'));
    const other = await h.connect(P2, 'OURA', uniqueLogin('other'));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started: string[] = [];
    const running = new Set<string>();
    let overlapped = false;
    const queue = await startSyncQueue({
      db: h.db,
      config: h.config,
      log: h.log,
      handlers: {
        async sync(job) {
          if (running.has(job.data.connectionId)) overlapped = true;
          running.add(job.data.connectionId);
          started.push(job.id);
          // What the real sync does first; then the first job of `busy` holds on until released.
          await h.prisma.wearableConnection.update({ where: { id: job.data.connectionId }, data: { syncStatus: 'RUNNING', syncJobId: job.id } });
          if (started.length === 1) await gate;
          running.delete(job.data.connectionId);
        },
        daily: async () => {},
      },
    });
    try {
      const first = await requestSync(h.prisma, queue, busy, 'on-demand');
      await eventually(async () => started.includes(first), 10_000, 'the first sync to start');
      const second = await requestSync(h.prisma, queue, busy, 'on-demand');
      // One waiting sync answers every request made while it waits.
      expect(await requestSync(h.prisma, queue, busy, 'on-demand')).toBe(second);
      const elsewhere = await requestSync(h.prisma, queue, other, 'on-demand');
      await eventually(async () => started.includes(elsewhere), 10_000, 'another connection’s sync to run meanwhile');
      expect(started).not.toContain(second);
      release();
      await eventually(async () => started.includes(second), 10_000, 'the waiting sync to run after the first');
      expect(started).toEqual([first, elsewhere, second]);
      expect(overlapped).toBe(false);
    } finally {
      release();
      await queue.stop();
    }
  }, 60_000);

  it('runs the daily sync at 03:00 UTC, queuing one job per connection that is not disconnected', async () => {
    const handled = new Set<string>();
    const queue = await startSyncQueue({
      db: h.db,
      config: h.config,
      log: h.log,
      handlers: { sync: async (job) => void handled.add(job.data.connectionId), daily: async () => {} },
    });
    try {
      const schedules = await h.db.sql.query<{ name: string; cron: string; timezone: string }>('SELECT name, cron, timezone FROM pgboss.schedule');
      expect(schedules).toEqual([{ name: DAILY_QUEUE, cron: '0 3 * * *', timezone: 'UTC' }]);
      const all = await h.prisma.wearableConnection.findMany({ select: { id: true } });
      const gone = all[0].id;
      await h.prisma.wearableConnection.update({ where: { id: gone }, data: { status: 'DISCONNECTED' } });
      const queued = await requestDailySync(h.prisma, queue);
      expect(queued).toBe(all.length - 1);
      await eventually(async () => handled.size === all.length - 1, 30_000, 'every daily job to run');
      expect(handled.has(gone)).toBe(false);
    } finally {
      await queue.stop();
    }
  }, 60_000);

  it('runs a sync a person waits for before the nightly batch: a new one, and "sync now" of a connection whose nightly job waits', async () => {
    for (const patient of [P1, P2, P3]) await h.connect(patient, 'OURA', uniqueLogin('nightly'));
    const oura = await h.prisma.wearableConnection.findMany({ where: { provider: 'OURA', status: { not: 'DISCONNECTED' } }, orderBy: { id: 'asc' } });
    expect(oura.length).toBe(3);
    // `fresh` has no nightly job (disconnected during the fan-out); `lifted` has the last one queued.
    const [other, lifted, fresh] = [oura[0], oura[2], oura[1]];
    const sender = await startSyncQueue({ db: h.db, config: h.config, log: h.log });
    await h.prisma.wearableConnection.update({ where: { id: fresh.id }, data: { status: 'DISCONNECTED' } });
    await requestDailySync(h.prisma, sender);
    await h.prisma.wearableConnection.update({ where: { id: fresh.id }, data: { status: 'CONNECTED' } });
    const liftedJob = await requestSync(h.prisma, sender, lifted, 'on-demand');
    const freshJob = await requestSync(h.prisma, sender, fresh, 'on-demand');
    await sender.stop();
    const jobs = await h.db.sql.query<{ id: string; priority: number }>(
      "SELECT id::text AS id, priority FROM pgboss.job WHERE name = 'wearables-sync-oura' AND state = 'created' ORDER BY created_on",
    );
    expect(jobs.find((job) => job.id === liftedJob)?.priority).toBe(1);
    expect(jobs.find((job) => job.id === freshJob)?.priority).toBe(1);

    // One worker per provider, so the OURA jobs run one at a time in the order the queue gives them.
    const started: string[] = [];
    const worker = await startSyncQueue({
      db: h.db,
      config: { ...h.config, syncConcurrency: 1 },
      log: h.log,
      handlers: { sync: async (job) => void (job.name === 'wearables-sync-oura' && started.push(job.data.connectionId)), daily: async () => {} },
    });
    try {
      await eventually(async () => started.length === 3, 30_000, 'the three OURA syncs to run');
      // Without priorities they would run as queued: other's and lifted's nightly jobs, then fresh's.
      expect(started).toEqual([lifted.id, fresh.id, other.id]);
    } finally {
      await worker.stop();
    }
  }, 60_000);

  it('starts a sync that waits to retry when it is asked for again, rather than queueing a second behind every other', async () => {
    for (const patient of [P1, P2]) await h.connect(patient, 'OURA', uniqueLogin('retrying'));
    const [failing, other] = await h.prisma.wearableConnection.findMany({ where: { provider: 'OURA', profileId: { in: [P1, P2] } }, orderBy: { id: 'asc' } });
    const ouraJobs = () =>
      h.db.sql.query<{ id: string; state: string; priority: number; due: boolean; connectionId: string }>(
        "SELECT id::text AS id, state, priority, start_after <= now() AS due, singleton_key AS \"connectionId\" FROM pgboss.job WHERE name = 'wearables-sync-oura' AND state < 'completed'",
      );
    let vendorDown = true;
    const ran: string[] = [];
    // A retry a minute away: the job waits to retry while this test looks.
    const queueOptions = { db: h.db, config: { ...h.config, syncConcurrency: 1, syncRetryDelaySeconds: 60 }, log: h.log };
    const handlers = {
      async sync(job: { id: string; data: { connectionId: string } }) {
        ran.push(job.id);
        if (vendorDown && job.data.connectionId === failing.id) throw new Error('the vendor is down');
      },
      daily: async () => {},
    };
    let worker = await startSyncQueue({ ...queueOptions, handlers });
    let sender: Awaited<ReturnType<typeof startSyncQueue>> | undefined;
    try {
      const first = await requestSync(h.prisma, worker, failing, 'daily');
      await eventually(async () => (await ouraJobs()).some((job) => job.id === first && job.state === 'retry'), 10_000, 'the failed sync to wait for its retry');
      await worker.stop();
      // Asked again meanwhile (no worker running, so the queue can be read as the request left it).
      sender = await startSyncQueue({ db: h.db, config: h.config, log: h.log });
      const again = await requestSync(h.prisma, sender, failing, 'on-demand');
      const elsewhere = await requestSync(h.prisma, sender, other, 'on-demand');
      expect(again).toBe(first);
      const jobs = await ouraJobs();
      expect(jobs.filter((job) => job.connectionId === failing.id)).toEqual([{ id: first, state: 'retry', priority: SYNC_PRIORITY.waitedFor, due: true, connectionId: failing.id }]);
      expect(jobs.find((job) => job.id === elsewhere)).toMatchObject({ state: 'created', priority: SYNC_PRIORITY.waitedFor });
      expect(await connectionRow(failing.id)).toMatchObject({ syncStatus: 'QUEUED', syncJobId: first });

      // The vendor is back: the retry runs now, not a minute after its failure.
      vendorDown = false;
      ran.length = 0;
      worker = await startSyncQueue({ ...queueOptions, handlers });
      await eventually(async () => ran.includes(first), 10_000, 'the retry to run');
      await eventually(async () => !(await ouraJobs()).some((job) => job.id === first), 10_000, 'the retry to complete');
    } finally {
      await worker.stop();
      await sender?.stop();
      // Nothing of this test's left for another queue to run.
      await h.db.sql.query("DELETE FROM pgboss.job WHERE name = 'wearables-sync-oura' AND state < 'active'");
    }
  }, 60_000);

  it('leaves a retry waiting while another sync of its connection runs, and for the nightly batch: those requests queue behind', async () => {
    for (const patient of [P1, P2]) await h.connect(patient, 'OURA', uniqueLogin('retry-kept'));
    const [busy, nightly] = await h.prisma.wearableConnection.findMany({ where: { provider: 'OURA', profileId: { in: [P1, P2] } }, orderBy: { id: 'asc' } });
    const job = async (id: string) =>
      (await h.db.sql.query<{ state: string; priority: number; due: boolean }>('SELECT state, priority, start_after <= now() AS due FROM pgboss.job WHERE id = $1::uuid', [id]))[0];
    // No worker: the states are set as a failed sync waiting to retry, and a running one, would leave them.
    const waitToRetry = (id: string) => h.db.sql.query("UPDATE pgboss.job SET state = 'retry', started_on = now(), start_after = now() + interval '1 minute' WHERE id = $1::uuid", [id]);
    const sender = await startSyncQueue({ db: h.db, config: h.config, log: h.log });
    try {
      const retrying = await requestSync(h.prisma, sender, busy, 'daily');
      await waitToRetry(retrying);
      const running = randomUUID();
      await sender.send('OURA', busy.id, 'on-demand', running);
      await h.db.sql.query("UPDATE pgboss.job SET state = 'active', started_on = now() WHERE id = $1::uuid", [running]);
      const asked = await requestSync(h.prisma, sender, busy, 'on-demand');
      expect(asked).not.toBe(retrying);
      expect(await job(retrying)).toEqual({ state: 'retry', priority: SYNC_PRIORITY.daily, due: false });
      expect(await job(asked)).toEqual({ state: 'created', priority: SYNC_PRIORITY.behind, due: true });

      const failed = await requestSync(h.prisma, sender, nightly, 'on-demand');
      await waitToRetry(failed);
      const daily = await requestSync(h.prisma, sender, nightly, 'daily');
      expect(daily).not.toBe(failed);
      expect(await job(failed)).toEqual({ state: 'retry', priority: SYNC_PRIORITY.waitedFor, due: false });
      expect(await job(daily)).toEqual({ state: 'created', priority: SYNC_PRIORITY.behind, due: true });
    } finally {
      await sender.stop();
      await h.db.sql.query("DELETE FROM pgboss.job WHERE name = 'wearables-sync-oura' AND state <= 'active'");
    }
  });
});

// The transactional outbox under a Redis outage, through a real gateway: a Redis server of this
// file's own behind a TCP proxy (test/support/tcp-proxy.ts) carries the events of an in-process
// stack (patient, wearables, gateway) on a database of this file's own. With Redis cut, a
// mutation still reports success (its transaction committed; its event waits in the outbox);
// the subscriber that was listening all along gets the event exactly once (read from the outbox
// by its catch-up even before Redis is back, then published by the relay once it is, and that
// repeat dropped); and a retry of the mutation with its Idempotency-Key returns the first result
// without writing or publishing again.
import { randomUUID } from 'node:crypto';
import { seededPatientId } from '../prisma/seed/identities';
import { signDevToken } from '../shared/auth/dev-issuer';
import { loadConfig } from '../shared/config';
import { launch, type Launched } from '../bin/launch';
import { gql } from './support/graphql';
import { seededScratchPlace, type SeededPlace } from './support/database';
import { startPrivateRedis, type PrivateRedis } from './support/redis';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';
import { collect, eventually, wsClient } from './support/ws';

const PORT_BASE = Number(process.env.TEST_PORT_BASE ?? 4400) + 350;
const PATIENT = seededPatientId(1);
const READINGS = `subscription($p: ID!) { wearableReadingAdded(patientId: $p) { value } }`;
const RECORD = `mutation Record($p: ID!, $r: String!, $at: DateTime!, $v: Float!) {
  recordWearableReadings(patientId: $p, readings: [{ provider: OURA, metric: RESTING_HR, value: $v, unit: "bpm", recordedAt: $at, providerReadingId: $r }]) { inserted } }`;

let place: SeededPlace;
let redis: PrivateRedis;
let proxy: TcpProxy;
let stack: Launched;
let url: string;
let admin: Record<string, string>;

/** Outbox rows not yet delivered (delivered ones stay, marked published, for subscribers catching up). */
const outboxRows = async () => Number((await stack.db!.sql.query<{ n: string }>('SELECT count(*)::text AS n FROM patient_graph.event_outbox WHERE published_at IS NULL'))[0].n);

beforeAll(async () => {
  redis = await startPrivateRedis();
  proxy = await startTcpProxy({ host: '127.0.0.1', port: redis.port });
  place = await seededScratchPlace('loop-outbox-', 2);
  const saved = { ...process.env };
  Object.assign(process.env, {
    PORT_BASE: String(PORT_BASE),
    DATA_DIR: place.dataDir,
    SEED: 'false',
    NODE_ENV: 'test',
    GATEWAY_URL: `http://127.0.0.1:${PORT_BASE}/graphql`,
    REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
    OUTBOX_MAX_BACKOFF_MS: '500',
  });
  if (place.databaseUrl) process.env.DATABASE_URL = place.databaseUrl;
  else delete process.env.DATABASE_URL;
  if (place.ownerUrl) process.env.DATABASE_OWNER_URL = place.ownerUrl;
  else delete process.env.DATABASE_OWNER_URL;
  try {
    stack = await launch(loadConfig(), ['patient', 'wearables', 'gateway']);
  } finally {
    process.env = saved;
  }
  url = `http://127.0.0.1:${PORT_BASE}`;
  admin = { authorization: `Bearer ${await signDevToken(place.dataDir, { sub: 'user_test_admin', role: 'admin' })}` };
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  await proxy?.close();
  redis?.stop();
  await place?.dispose();
});

describe('a Redis outage during a mutation', () => {
  it('reports the committed mutation as a success and delivers its event exactly once, through the outage', async () => {
    const client = wsClient(admin.authorization, url);
    const stream = collect(client, READINGS, { p: PATIENT });
    try {
      // The subscription is live: an event published now arrives.
      await eventually(
        async () => {
          const probe = await gql(RECORD, { p: PATIENT, r: `probe-${randomUUID()}`, at: new Date(Date.now() - 60_000).toISOString(), v: 50 }, { url, headers: admin });
          expect(probe.errors).toBeUndefined();
          await new Promise((r) => setTimeout(r, 300));
          return stream.events.length > 0;
        },
        15_000,
        'the subscription to open',
      );
      const before = stream.events.length;

      proxy.setMode('refuse');
      const key = randomUUID();
      const variables = { p: PATIENT, r: `outage-${randomUUID()}`, at: new Date(Date.now() - 30_000).toISOString(), v: 77 };
      const during = await gql(RECORD, variables, { url, headers: { ...admin, 'idempotency-key': key } });
      expect(during.errors).toBeUndefined();
      expect(during.data).toEqual({ recordWearableReadings: { inserted: 1 } });
      // Committed and waiting in the outbox while Redis is unreachable: not published yet.
      await new Promise((r) => setTimeout(r, 1_500));
      expect(await outboxRows()).toBeGreaterThanOrEqual(1);

      proxy.setMode('pass');
      await stream.waitFor(before + 1, 20_000);
      expect((stream.events[before].data as any).wearableReadingAdded.value).toBe(77);
      await eventually(async () => (await outboxRows()) === 0, 10_000, 'the outbox to drain');

      // A client that retries with its key gets the first result: nothing written or published again.
      const retry = await gql(RECORD, variables, { url, headers: { ...admin, 'idempotency-key': key } });
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(retry.data).toEqual(during.data);
      await new Promise((r) => setTimeout(r, 1_500));
      const outageEvents = stream.events.slice(before).filter((event) => (event.data as any)?.wearableReadingAdded?.value === 77);
      expect(outageEvents).toHaveLength(1);
      const stored = await stack.db!.sql.query<{ n: string }>('SELECT count(*)::text AS n FROM patient_graph.patient_wearable_readings WHERE provider_reading_id = $1', [variables.r]);
      expect(stored[0].n).toBe('1');
    } finally {
      stream.dispose();
      await client.dispose();
    }
  }, 90_000);
});

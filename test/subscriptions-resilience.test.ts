// Subscriptions survive a subgraph restart, and with Redis an event published by one replica
// reaches subscribers attached through another.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { DEV_ISSUER, devJwks } from '../shared/auth/dev-issuer';
import { createIdentityResolver } from '../shared/auth/identity';
import { createTokenVerifier } from '../shared/auth/verify';
import { prepareDatabase } from '../shared/db/prepare';
import { demoSeeder } from '../bin/demo-data';
import { domainPorts } from '../bin/ports';
import { serviceLogger } from '../shared/logger';
import { LocalPubSub } from '../shared/pubsub';
import { startOutboxRelay, type OutboxRelay } from '../shared/outbox';
import type { RunningServer } from '../shared/server/listen';
import { startSubgraph, type StartedServices } from '../shared/server/subgraph';
import { loadConfig } from '../shared/config';
import { systemClock } from '../shared/clock';
import { processJobQueue, type ProcessJobQueue } from '../shared/queue/jobs';
import { SUPERGRAPH_FILE } from '../gateway/compose';
import { wearablesSubgraph } from '../subgraphs/wearables';
import type { WearablesServices } from '../subgraphs/wearables/services';
import { authHeaders, seededPatientId, testDataDir } from './support/auth';
import { openScratchDatabase } from './support/database';
import { gatewayUrl, gql, stackSubgraphBase } from './support/graphql';
import { freePort, ROOT, TSX, waitFor } from './support/stack';
import { collect, eventually, metric, wsClient } from './support/ws';
import { stackSubgraphUrls, startTestGateway } from './support/gateway';
import { testGatewayVerifier } from './support/trust';

const PATIENT = seededPatientId(13);
const READINGS = `subscription($p: ID!) { wearableReadingAdded(patientId: $p) { value patient { id firstName } } }`;

async function recordReading(url: string, headers: Record<string, string>, value: number, direct = false) {
  const response = await gql(
    `mutation($p: ID!, $r: String!, $at: DateTime!) { recordWearableReadings(patientId: $p, readings: [{ provider: WHOOP, metric: RESTING_HR, value: ${value}, unit: "bpm", recordedAt: $at, providerReadingId: $r }]) { inserted } }`,
    { p: PATIENT, r: `resilience-${randomUUID()}`, at: new Date(Date.now() - 60_000).toISOString() },
    { url, headers, signAs: direct ? { service: 'wearables' } : undefined },
  );
  expect(response.errors).toBeUndefined();
}


describe('a subgraph restart', () => {
  let db: Awaited<ReturnType<typeof openScratchDatabase>>;
  let gateway: RunningServer;
  let wearables: RunningServer | undefined;
  let port: number;
  let updateSupergraph!: (sdl: string) => void;
  // The subgraph's writes publish through the outbox: a relay of this test's own, on its database.
  let relay: OutboxRelay | undefined;
  // Its services (the job queue readings may raise care alerts on, the sync queue), as its process
  // would build them; they outlive the restarts below, which drop the subgraph's sockets.
  let queue: ProcessJobQueue | undefined;
  let started: StartedServices<WearablesServices> | undefined;
  const start = async () => {
    const pubsub = new LocalPubSub();
    await relay?.stop();
    relay = startOutboxRelay({ sql: db.sql, pubsub, log: serviceLogger('outbox') });
    const verify = createTokenVerifier({ jwks: await devJwks(testDataDir()), issuer: DEV_ISSUER });
    wearables = await startSubgraph(wearablesSubgraph, {
      prisma: db.prisma,
      services: started!.services,
      ports: domainPorts(db.prisma),
      host: '127.0.0.1',
      port,
      exposeErrorDetails: false,
      resolveCaller: createIdentityResolver({ verify, prisma: db.prisma }),
      pubsub,
      gatewayVerifier: await testGatewayVerifier(),
    });
  };

  beforeAll(async () => {
    // A wearables subgraph of this test's own (its own seeded database: same patient ids), behind
    // a gateway of its own; the other subgraphs are the test stack's.
    db = await openScratchDatabase();
    await prepareDatabase(db, { seed: demoSeeder(), log: serviceLogger('test') });
    port = await freePort();
    const log = serviceLogger('wearables');
    queue = processJobQueue(db, log);
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: db.env.DATA_DIR });
    started = await wearablesSubgraph.startServices!({ prisma: db.prisma, ports: domainPorts(db.prisma), db, pubsub: new LocalPubSub(), queue, config, log, clock: systemClock });
    await start();
    gateway = await startTestGateway({
      subgraphUrls: stackSubgraphUrls({ wearables: `http://127.0.0.1:${port}/graphql` }),
      onSupergraphUpdater: (update) => (updateSupergraph = update),
    });
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
    await wearables?.stop();
    await started?.stop();
    await queue?.stop();
    await relay?.stop();
    await db?.dispose();
  });

  it('resumes delivery without the client reconnecting', async () => {
    const admin = await authHeaders('admin');
    let clientClosed = false;
    const client = wsClient(admin.authorization, gateway.url, () => (clientClosed = true));
    const stream = collect(client, READINGS, { p: PATIENT });
    const upstreamSubscriptions = () => metric(wearables!.url, 'subgraph_ws_active_subscriptions', 'service="wearables"');
    try {
      await eventually(async () => (await upstreamSubscriptions()) === 1, 5_000, 'the upstream subscription');
      await recordReading(gateway.url, admin, 71);
      await stream.waitFor(1);

      await wearables!.stop(); // every socket dropped, as in a crash
      await eventually(async () => (await metric(gateway.url, 'gateway_upstream_ws_connections', 'service="wearables"')) === 0, 5_000, 'the upstream to drop');
      await start();
      await eventually(async () => (await upstreamSubscriptions()) === 1, 10_000, 'the gateway to resubscribe');

      await recordReading(gateway.url, admin, 72);
      const events = await stream.waitFor(2);
      expect(events.map((e) => (e.data as any).wearableReadingAdded.value)).toEqual([71, 72]);
      expect((events[1].data as any).wearableReadingAdded.patient.id).toBe(PATIENT);
      expect(clientClosed).toBe(false);
      expect(stream.completed).toBe(false);
    } finally {
      stream.dispose();
      await client.dispose();
    }
  });

  it('ends open subscriptions with SUPERGRAPH_CHANGED when the supergraph changes under them', async () => {
    const admin = await authHeaders('admin');
    const client = wsClient(admin.authorization, gateway.url);
    const stream = collect(client, READINGS, { p: PATIENT });
    try {
      await eventually(async () => (await metric(wearables!.url, 'subgraph_ws_active_subscriptions', 'service="wearables"')) === 1, 5_000, 'the upstream subscription');
      updateSupergraph(`${readFileSync(SUPERGRAPH_FILE, 'utf8')}\n# recomposed\n`);
      const [last] = await stream.waitFor(1);
      expect(last.errors?.[0]).toMatchObject({ extensions: { code: 'SUPERGRAPH_CHANGED' } });
      await eventually(async () => stream.completed, 3_000, 'the stream to complete');
      await eventually(async () => (await metric(wearables!.url, 'subgraph_ws_active_subscriptions', 'service="wearables"')) === 0, 3_000, 'the upstream to end');
    } finally {
      stream.dispose();
      await client.dispose();
    }
  });
});

// Two replicas of a subgraph share events only through Redis, and two processes can share only
// a PostgreSQL server (the embedded database belongs to one process): this runs in the CI pass
// that sets DATABASE_URL and REDIS_URL.
const withRedis = process.env.REDIS_URL && process.env.TEST_DATABASE_URL ? describe : describe.skip;

withRedis('with REDIS_URL, a second replica of the wearables subgraph', () => {
  let replica: ChildProcess;
  let replicaUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    replicaUrl = `http://127.0.0.1:${port}`;
    replica = spawn(TSX, [path.join(ROOT, 'bin/start.ts'), '--service', 'wearables'], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        NODE_ENV: 'test',
        SEED: 'false',
        DATABASE_URL: process.env.TEST_DATABASE_URL,
        DATABASE_OWNER_URL: process.env.TEST_DATABASE_OWNER_URL ?? '',
        DATA_DIR: testDataDir(),
        SUBGRAPH_WEARABLES_PORT: String(port),
        // Its vendor simulators within the run's ports, not on the defaults (4011…) another stack may hold.
        WEARABLES_SIMULATOR_PORT_BASE: String(Number(process.env.TEST_PORT_BASE) + 20),
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    await waitFor(`${replicaUrl}/healthz`, 60_000, replica);
  }, 90_000);

  afterAll(() => {
    replica?.kill('SIGTERM');
  });

  it("delivers an event it publishes to a subscriber attached through the other replica's gateway", async () => {
    const admin = await authHeaders('admin');
    const client = wsClient(admin.authorization);
    const stream = collect(client, READINGS, { p: PATIENT });
    try {
      await eventually(async () => (await metric(stackSubgraphBase('wearables'), 'subgraph_ws_active_subscriptions', 'service="wearables"')) >= 1, 5_000, 'the subscription');
      await recordReading(`${replicaUrl}`, admin, 81, true); // straight to the replica (signed as the gateway would), not through the gateway
      const [event] = await stream.waitFor(1, 3_000);
      expect((event.data as any).wearableReadingAdded).toMatchObject({ value: 81, patient: { id: PATIENT } });
    } finally {
      stream.dispose();
      await client.dispose();
    }
  });
});

// The fault-injection suite (`npm run test:faults`, CI's PostgreSQL + Redis pass): real processes
// in multi-process mode (gateway, wearables, the other subgraphs), faults on the wire by TCP
// proxies in front of PostgreSQL, Redis and the wearables subgraph (latency, reset, blackhole),
// and a SIGKILL of the wearables process, restarted; each under a steady mixed load whose writes
// carry idempotency keys and are retried by the client. Per fault it asserts: no acknowledged
// write lost, none committed but reported failed, none duplicated, every committed write audited,
// every committed reading delivered to the subscriber, and the graph serving again within 5 s of
// the fault ending. It prints the table the README shows.
import pg from 'pg';
import { seededPatientId } from '../../prisma/seed/identities';
import { signDevToken } from '../../shared/auth/dev-issuer';
import { seededScratchPlace, type SeededPlace } from '../support/database';
import { startPrivateRedis, type PrivateRedis } from '../support/redis';
import { waitFor } from '../support/stack';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { post, retryAtLeastUntil, RECORD_EVENT, RECORD_READING, READ, startLoad, startSubscriber, writeVariables, type Ledger, type Target } from './support/load';
import { spawnService, throughProxy, waitReady, type ServiceProcess } from './support/processes';
import { randomUUID } from 'node:crypto';

/** The run's ports: TEST_PORT_BASE + 400 … + 420 (the other suites' stacks stay below). */
const PORT_BASE = Number(process.env.TEST_PORT_BASE ?? 4400) + 400;
const WEARABLES_PORT = PORT_BASE + 4;
/** How long each fault lasts. */
const FAULT_MS = 3_000;
/** The graph must serve again (a write on each side, a read) within this of the fault ending. */
const RECOVERY_LIMIT_MS = 5_000;
/** How long the subscriber may take to receive an event after the load stops. */
const DELIVERY_WAIT_MS = 15_000;
const PATIENT = seededPatientId(1);
/** After a fault ends, clients still retry their unacknowledged writes for this long. */
const RETRY_AFTER_FAULT_MS = 15_000;

interface Row {
  fault: string;
  sent: number;
  acknowledged: number;
  lost: number;
  committedButFailed: number;
  duplicated: number;
  unaudited: number;
  eventsMissed: number;
  recoveryMs: number;
}

let place: SeededPlace;
let redis: PrivateRedis;
let proxies: { postgres: TcpProxy; redis: TcpProxy; wearables: TcpProxy };
let env: NodeJS.ProcessEnv;
let core: ServiceProcess;
let wearables: ServiceProcess;
let gateway: ServiceProcess;
let db: pg.Pool;
let target: Target;
const rows: Row[] = [];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function startWearables(): ServiceProcess {
  return spawnService('wearables', env, ['wearables']);
}

beforeAll(async () => {
  if (!process.env.DATABASE_URL) throw new Error('npm run test:faults needs DATABASE_URL (a PostgreSQL server: its services run in separate processes)');
  place = await seededScratchPlace('loop-faults-', 3);
  // A Redis of the suite's own (never the machine's shared one): the proxy in front of it cuts it.
  redis = await startPrivateRedis();
  const pgTarget = new URL(place.databaseUrl!);
  proxies = {
    postgres: await startTcpProxy({ host: pgTarget.hostname, port: Number(pgTarget.port || 5432) }),
    redis: await startTcpProxy({ host: '127.0.0.1', port: redis.port }),
    wearables: await startTcpProxy({ host: '127.0.0.1', port: WEARABLES_PORT }),
  };
  env = {
    ...process.env,
    NODE_ENV: 'test',
    NODE_OPTIONS: '',
    SEED: 'false',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'fatal',
    PORT_BASE: String(PORT_BASE),
    DATA_DIR: place.dataDir,
    DATABASE_URL: throughProxy(place.databaseUrl!, proxies.postgres.port),
    DATABASE_OWNER_URL: place.ownerUrl ? throughProxy(place.ownerUrl, proxies.postgres.port) : '',
    DATABASE_CONNECT_TIMEOUT_MS: '2000',
    REDIS_URL: `redis://127.0.0.1:${proxies.redis.port}`,
    GATEWAY_URL: `http://127.0.0.1:${PORT_BASE}/graphql`,
    SUBGRAPH_WEARABLES_URL: `http://127.0.0.1:${proxies.wearables.port}/graphql`,
    SUBGRAPH_TIMEOUT_MS: '4000',
    SHUTDOWN_GRACE_MS: '3000',
    OUTBOX_MAX_BACKOFF_MS: '500',
  };
  // Both at once, as docker-compose starts them: the job queue's schema is created under an advisory lock (shared/queue/jobs.ts).
  core = spawnService('core', env, ['patient', 'labs', 'protocols', 'content', 'luna']);
  wearables = startWearables();
  await Promise.all([waitReady(`http://127.0.0.1:${PORT_BASE + 1}/readyz`, core), waitReady(`http://127.0.0.1:${WEARABLES_PORT}/readyz`, wearables)]);
  gateway = spawnService('gateway', env, ['gateway']);
  await waitReady(`http://127.0.0.1:${PORT_BASE}/readyz`, gateway);
  db = new pg.Pool({ connectionString: place.ownerUrl ?? place.databaseUrl, max: 2 });
  target = {
    gatewayUrl: `http://127.0.0.1:${PORT_BASE}`,
    authorization: `Bearer ${await signDevToken(place.dataDir, { sub: 'user_test_admin', role: 'admin' })}`,
    patientId: PATIENT,
  };
}, 420_000);

afterAll(async () => {
  if (rows.length) printTable(rows);
  await Promise.all([gateway, wearables, core].filter(Boolean).map((service) => service.stop()));
  await db?.end();
  for (const proxy of Object.values(proxies ?? {})) await proxy.close();
  redis?.stop();
  await place?.dispose();
}, 120_000);

/** The graph serves again: a timeline event (patient), a reading (wearables) and a read (patient, content). */
async function serves(): Promise<boolean> {
  const probe = (kind: 'event' | 'reading') => {
    const id = `probe-${randomUUID()}`;
    return post(target, kind === 'event' ? RECORD_EVENT : RECORD_READING, writeVariables(target, { id, kind }), { 'idempotency-key': id }, 3_000);
  };
  const answers = await Promise.all([probe('event'), probe('reading'), post(target, READ, { p: PATIENT }, {}, 3_000)]);
  lastProbe = answers.map((answer, i) => `${['event', 'reading', 'read'][i]}: ${answer.ok ? 'ok' : answer.failure}`).join(', ');
  return answers.every((answer) => answer.ok);
}
/** The last probe's answers (printed when recovery is slow, for whoever reads a red run). */
let lastProbe = '';

const probeHistory: string[] = [];
async function recoveryTime(endedAt: number): Promise<number> {
  const giveUpAt = endedAt + 60_000;
  probeHistory.length = 0;
  while (Date.now() < giveUpAt) {
    const ok = await serves();
    probeHistory.push(`+${Date.now() - endedAt} ms ${lastProbe}`);
    if (probeHistory.length > 12) probeHistory.shift();
    if (ok) return Date.now() - endedAt;
    await sleep(100);
  }
  return Number.POSITIVE_INFINITY;
}

/** What the database holds of the ledger's writes: rows per write, and whether each has an audit row. */
async function committed(ledger: Ledger): Promise<{ rows: Map<string, number>; audited: Set<string> }> {
  const events = ledger.writes.filter((write) => write.kind === 'event').map((write) => `fault-${write.id}`);
  const readings = ledger.writes.filter((write) => write.kind === 'reading').map((write) => `fault-${write.id}`);
  const counts = await db.query<{ marker: string; n: string }>(
    `SELECT title AS marker, count(*)::text AS n FROM patient_graph.patient_events WHERE title = ANY($1::text[]) GROUP BY title
     UNION ALL
     SELECT provider_reading_id, count(*)::text FROM patient_graph.patient_wearable_readings WHERE provider_reading_id = ANY($2::text[]) GROUP BY provider_reading_id`,
    [events, readings],
  );
  const audits = await db.query<{ correlation_id: string }>('SELECT DISTINCT correlation_id FROM patient_graph.rbac_logs WHERE correlation_id = ANY($1::text[])', [ledger.writes.map((write) => write.id)]);
  return {
    rows: new Map(counts.rows.map((row) => [row.marker.replace(/^fault-/, ''), Number(row.n)])),
    audited: new Set(audits.rows.map((row) => row.correlation_id)),
  };
}

interface Fault {
  name: string;
  /** Starts the fault; resolves to the function that ends it, which resolves when it is over. */
  inject(): Promise<() => Promise<void>>;
}

async function runFault(fault: Fault): Promise<Row> {
  const subscriber = startSubscriber(target);
  await sleep(1_000);
  const load = startLoad(target, { writers: 4, readers: 2 });
  await sleep(1_500);
  // Clients keep retrying their writes while the fault lasts (a restart may outlast their budget) and a while after.
  retryAtLeastUntil(Number.POSITIVE_INFINITY);
  const heal = await fault.inject();
  await sleep(FAULT_MS);
  await heal();
  const endedAt = Date.now();
  retryAtLeastUntil(endedAt + RETRY_AFTER_FAULT_MS);
  const recoveryMs = await recoveryTime(endedAt);
  if (recoveryMs > RECOVERY_LIMIT_MS) process.stdout.write(`${fault.name}: serving again after ${recoveryMs} ms; the probe before the first full answer: ${probeHistory.join(' | ')}\n`);
  await sleep(1_500);
  const ledger = await load.stop();
  const { rows: stored, audited } = await committed(ledger);
  const readingIds = ledger.writes.filter((write) => write.kind === 'reading' && (stored.get(write.id) ?? 0) > 0).map((write) => `fault-${write.id}`);
  const deliveredBy = Date.now() + DELIVERY_WAIT_MS;
  while (readingIds.some((id) => !subscriber.received.has(id)) && Date.now() < deliveredBy) await sleep(200);
  const received = subscriber.received;
  await subscriber.dispose();
  const isCommitted = (id: string) => (stored.get(id) ?? 0) > 0;
  const row: Row = {
    fault: fault.name,
    sent: ledger.requests,
    acknowledged: ledger.writes.filter((write) => write.acknowledged).length,
    lost: ledger.writes.filter((write) => write.acknowledged && !isCommitted(write.id)).length,
    committedButFailed: ledger.writes.filter((write) => !write.acknowledged && isCommitted(write.id)).length,
    duplicated: ledger.writes.filter((write) => (stored.get(write.id) ?? 0) > 1).length,
    unaudited: ledger.writes.filter((write) => isCommitted(write.id) && !audited.has(write.id)).length,
    eventsMissed: readingIds.filter((id) => !received.has(id)).length,
    recoveryMs,
  };
  rows.push(row);
  // Why the writes not acknowledged failed last, for whoever reads a red run.
  const reasons = new Map<string, number>();
  for (const write of ledger.writes) if (!write.acknowledged) reasons.set(write.lastFailure ?? '?', (reasons.get(write.lastFailure ?? '?') ?? 0) + 1);
  if (reasons.size) process.stdout.write(`${fault.name}: writes not acknowledged, by last answer: ${JSON.stringify(Object.fromEntries(reasons))}\n`);
  return row;
}

function expectHeld(row: Row): void {
  expect(row.acknowledged).toBeGreaterThan(0);
  expect({ fault: row.fault, lost: row.lost, committedButFailed: row.committedButFailed, duplicated: row.duplicated, unaudited: row.unaudited, eventsMissed: row.eventsMissed }).toEqual({
    fault: row.fault,
    lost: 0,
    committedButFailed: 0,
    duplicated: 0,
    unaudited: 0,
    eventsMissed: 0,
  });
  expect(row.recoveryMs).toBeLessThanOrEqual(RECOVERY_LIMIT_MS);
}

function printTable(table: Row[]): void {
  const header = ['fault', 'requests sent', 'acknowledged', 'lost', 'duplicated', 'committed, reported failed', 'unaudited', 'events missed', 'recovery'];
  const lines = table.map((row) => [row.fault, row.sent, row.acknowledged, row.lost, row.duplicated, row.committedButFailed, row.unaudited, row.eventsMissed, Number.isFinite(row.recoveryMs) ? `${(row.recoveryMs / 1000).toFixed(1)} s` : 'never'].map(String));
  const out = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...lines.map((line) => `| ${line.join(' | ')} |`)].join('\n');
  process.stdout.write(`\nFault-injection results:\n${out}\n\n`);
}

const proxyFault = (name: string, proxy: () => TcpProxy, apply: (proxy: TcpProxy) => void): Fault => ({
  name,
  async inject() {
    apply(proxy());
    return async () => {
      proxy().setLatency(0);
      proxy().setMode('pass');
    };
  },
});

const FAULTS: Fault[] = [
  proxyFault('PostgreSQL +300 ms latency', () => proxies.postgres, (proxy) => proxy.setLatency(300)),
  proxyFault('PostgreSQL connections reset', () => proxies.postgres, (proxy) => proxy.setMode('reset')),
  proxyFault('PostgreSQL blackhole', () => proxies.postgres, (proxy) => proxy.setMode('blackhole')),
  proxyFault('Redis connections reset', () => proxies.redis, (proxy) => proxy.setMode('reset')),
  proxyFault('Redis blackhole', () => proxies.redis, (proxy) => proxy.setMode('blackhole')),
  proxyFault('wearables subgraph reset', () => proxies.wearables, (proxy) => proxy.setMode('reset')),
  proxyFault('wearables subgraph blackhole', () => proxies.wearables, (proxy) => proxy.setMode('blackhole')),
  {
    name: 'wearables process kill -9, restarted',
    async inject() {
      await wearables.kill9();
      return async () => {
        // The fault ends when the new process says it is ready (/readyz: what an orchestrator routes traffic on); the restart itself is part of the fault.
        wearables = startWearables();
        await waitFor(`http://127.0.0.1:${WEARABLES_PORT}/readyz`, 240_000, wearables.child);
      };
    },
  },
];

describe('faults under load', () => {
  it.each(FAULTS.map((fault) => [fault.name, fault]))('%s: nothing acknowledged lost, nothing failed written, no duplicate, all audited and delivered, serving within 5 s', async (_name, fault) => {
    expectHeld(await runFault(fault));
  }, 300_000);
});

// SIGTERM to a `--service` process under load, as docker-compose runs them (test/shutdown.test.ts
// covers `npm start`): on PostgreSQL the gateway alone (`--service gateway`) in front of a process
// with the subgraphs; on the embedded database (one process only) one process with every service
// named by `--service`. The signalled process must answer every request in flight when the signal
// arrives and exit 0 within SHUTDOWN_GRACE_MS + 2 s.
import { signDevToken } from '../shared/auth/dev-issuer';
import { ALL_SERVICES } from '../shared/server/services';
import { seededScratchPlace, type SeededPlace } from './support/database';
import { spawnService, waitReady, type ServiceProcess } from './faults/support/processes';

const GRACE_MS = 5_000;
/** Clients sending back to back, so requests are in flight whenever a signal comes. */
const CONCURRENCY = 8;
const PORT_BASE = Number(process.env.TEST_PORT_BASE ?? 4400) + 250;
const QUERY = '{ patients(first: 5) { edges { node { id firstName labResults(first: 3) { totalCount } protocols { id } } } } }';
const SUBGRAPHS = ALL_SERVICES.filter((service) => service !== 'gateway');
const multiProcess = Boolean(process.env.DATABASE_URL);

let place: SeededPlace;
let subgraphs: ServiceProcess | null = null;
let gateway: ServiceProcess;
let token: string;

beforeAll(async () => {
  place = await seededScratchPlace('loop-shutdown-service-', 2);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    NODE_OPTIONS: '',
    SEED: 'false',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    PORT_BASE: String(PORT_BASE),
    DATA_DIR: place.dataDir,
    DATABASE_URL: place.databaseUrl ?? '',
    DATABASE_OWNER_URL: place.ownerUrl ?? '',
    SHUTDOWN_GRACE_MS: String(GRACE_MS),
  };
  if (multiProcess) {
    subgraphs = spawnService('subgraphs', env, SUBGRAPHS);
    await waitReady(`http://127.0.0.1:${PORT_BASE + 1}/readyz`, subgraphs);
    gateway = spawnService('gateway', env, ['gateway']);
  } else {
    gateway = spawnService('all', env, [...ALL_SERVICES]);
  }
  await waitReady(`http://127.0.0.1:${PORT_BASE}/readyz`, gateway);
  token = await signDevToken(place.dataDir, { sub: 'user_test_admin', role: 'admin' });
}, 300_000);

afterAll(async () => {
  await Promise.all([gateway, subgraphs].filter((service): service is ServiceProcess => Boolean(service)).map((service) => service.stop()));
  await place?.dispose();
}, 60_000);

interface Outcome {
  status: number | 'failed';
  errors?: unknown;
}

async function send(): Promise<Outcome> {
  try {
    const response = await fetch(`http://127.0.0.1:${PORT_BASE}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: QUERY }),
    });
    const body = (await response.json()) as { errors?: unknown };
    return { status: response.status, errors: body.errors };
  } catch {
    return { status: 'failed' };
  }
}

/** Load until `target` is signalled; resolves to the outcomes of the requests in flight at the signal, its exit code and how long it took. */
async function terminateUnderLoad(target: ServiceProcess): Promise<{ inFlight: Outcome[]; code: number | null; tookMs: number }> {
  let signalled = false;
  let answered = 0;
  const pending = new Set<Promise<Outcome>>();
  const client = async () => {
    while (!signalled) {
      const request = send();
      pending.add(request);
      const outcome = await request;
      pending.delete(request);
      if (outcome.status === 200 && !outcome.errors) answered++;
    }
  };
  const clients = Array.from({ length: CONCURRENCY }, client);
  while (answered < 2 * CONCURRENCY) await new Promise((resolve) => setTimeout(resolve, 50));
  const exited = new Promise<number | null>((resolve) => target.child.once('exit', (code) => resolve(code)));
  const inFlightAtSignal = [...pending];
  const signalledAt = Date.now();
  signalled = true;
  target.child.kill('SIGTERM');
  const inFlight = await Promise.all(inFlightAtSignal);
  const code = await exited;
  const tookMs = Date.now() - signalledAt;
  await Promise.all(clients);
  return { inFlight, code, tookMs };
}

it('the gateway process answers every request in flight and exits 0 within the grace period', async () => {
  const { inFlight, code, tookMs } = await terminateUnderLoad(gateway);
  expect(inFlight.length).toBeGreaterThan(0);
  expect(inFlight.filter((outcome) => outcome.status !== 200 || outcome.errors)).toEqual([]);
  expect(code).toBe(0);
  expect(tookMs).toBeLessThan(GRACE_MS + 2_000);
}, 120_000);

// The export as a job on the queue, with faults between real processes: the whole stack runs in
// this process on a database of this file's own, and the export job reaches the gateway through
// a TCP proxy the test cuts, hangs or restores. A run that fails is retried by the queue and
// completes once the gateway answers; one that fails every time ends FAILED with why; the
// per-patient limit holds while exports wait, and a waiting one can be cancelled; an export
// running when the process stops (and one still queued) is run after the restart; an expired
// export is gone, then deleted with its files.
import type { Resource } from '@medplum/fhirtypes';
import { seededPatientId, seededUserId } from '../prisma/seed/identities';
import { signDevToken } from '../shared/auth/dev-issuer';
import { loadConfig } from '../shared/config';
import { ALL_SERVICES, launch, type Launched } from '../bin/launch';
import { PURGE_QUEUE, RUN_QUEUE } from '../subgraphs/patient/fhir-export/store';
import type { PatientServices } from '../subgraphs/patient/services';
import { expectOutcome, expectValidResource, fhirRequest, type FhirResponse } from './support/fhir';
import { seededScratchPlace, type SeededPlace } from './support/database';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';
import { eventually } from './support/ws';

const PORT_BASE = Number(process.env.TEST_PORT_BASE ?? 4400) + 400;
const GATEWAY = `http://127.0.0.1:${PORT_BASE}`;
const FHIR = `${GATEWAY}/fhir/R4`;
const OWN = seededPatientId(1);
const OTHER = seededPatientId(2);

let place: SeededPlace;
let stack: Launched | undefined;
let proxy: TcpProxy;
let customer: Record<string, string>;
let otherCustomer: Record<string, string>;
const savedEnv = { ...process.env };
// The runs this file makes fail are logged as warnings by this process: keep the output to errors.
process.env.LOG_LEVEL = savedEnv.LOG_LEVEL ?? 'error';

/** Starts every service, as `npm start` would with this environment; the export job reaches the gateway through the proxy. */
async function start(): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    ...savedEnv,
    PORT_BASE: String(PORT_BASE),
    DATA_DIR: place.dataDir,
    SEED: 'false',
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    GATEWAY_URL: `http://127.0.0.1:${proxy.port}/graphql`,
    FHIR_EXPORT_POLL_SECONDS: '0.5',
    FHIR_EXPORT_RETRY_LIMIT: '1',
    FHIR_EXPORT_RETRY_DELAY_SECONDS: '1',
    FHIR_EXPORT_MAX_ACTIVE_PER_PATIENT: '2',
    FHIR_EXPORT_WORKERS: '1',
    CARE_ALERT_POLL_SECONDS: '0.5',
  };
  delete env.REDIS_URL; // events stay in this process: the test Redis carries the main stack's
  if (place.databaseUrl) env.DATABASE_URL = place.databaseUrl;
  else delete env.DATABASE_URL;
  // CI's second pass: the owner role migrates, the application role serves.
  if (place.ownerUrl) env.DATABASE_OWNER_URL = place.ownerUrl;
  else delete env.DATABASE_OWNER_URL;
  stack = await launch(loadConfig(env), ALL_SERVICES);
}

async function stop(): Promise<void> {
  await stack?.stop();
  stack = undefined;
}

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => stack!.db!.sql.query<T>(text, params);
const exportRow = async (id: string) =>
  (await sql<{ status: string; attempts: number; error: string | null }>('SELECT status, attempts, error FROM patient_graph.fhir_exports WHERE id = $1', [id]))[0];

async function kickOff(headers: Record<string, string>, patientId: string): Promise<{ id: string; statusUrl: string }> {
  const response = await fhirRequest(`${FHIR}/Patient/${patientId}/$export`, { ...headers, prefer: 'respond-async' });
  expect(response.status).toBe(202);
  const statusUrl = response.headers.get('content-location')!;
  return { id: statusUrl.split('/').pop()!, statusUrl };
}

/** The status once it is no longer 202 (within `within` ms). */
async function settled(statusUrl: string, headers: Record<string, string>, within = 20_000): Promise<FhirResponse> {
  let last: FhirResponse | undefined;
  await eventually(async () => (last = await fhirRequest(statusUrl, headers)).status !== 202, within, `${statusUrl} to finish`);
  return last!;
}

async function downloadAll(manifest: { output: { url: string; count: number }[] }, headers: Record<string, string>): Promise<Resource[]> {
  const resources: Resource[] = [];
  for (const file of manifest.output) {
    const { status, text } = await fhirRequest(file.url, headers);
    expect(status).toBe(200);
    const lines = text.trimEnd().split('\n');
    expect(lines.length).toBe(file.count);
    resources.push(...lines.map((line) => JSON.parse(line) as Resource));
  }
  return resources;
}

/** How many resources $everything shows `headers` for the patient (every page). */
async function everythingCount(patientId: string, headers: Record<string, string>): Promise<number> {
  let count = 0;
  let next: string | undefined = `${FHIR}/Patient/${patientId}/$everything?_count=100`;
  while (next) {
    const { body } = await fhirRequest(next, headers);
    count += body.entry.length;
    next = body.link.find((l: { relation: string }) => l.relation === 'next')?.url;
  }
  return count;
}

beforeAll(async () => {
  place = await seededScratchPlace('loop-fhir-export-', 3);
  proxy = await startTcpProxy({ host: '127.0.0.1', port: PORT_BASE });
  await start();
  customer = { authorization: `Bearer ${await signDevToken(place.dataDir, { sub: seededUserId(1) })}` };
  otherCustomer = { authorization: `Bearer ${await signDevToken(place.dataDir, { sub: seededUserId(2) })}` };
}, 180_000);

afterAll(async () => {
  await stop();
  process.env = savedEnv;
  await proxy?.close();
  await place?.dispose();
});

describe('an export whose run fails', () => {
  it('is retried by the queue and completes once the gateway answers again', async () => {
    proxy.setMode('refuse');
    const { id, statusUrl } = await kickOff(customer, OWN);
    await eventually(async () => (await exportRow(id))?.error !== null && (await exportRow(id)).attempts >= 1, 10_000, 'the first run to fail');
    expect(await exportRow(id)).toMatchObject({ attempts: 1, error: 'The FHIR API could not be reached; it will be tried again' });
    // The queue holds the run for its retry (FHIR_EXPORT_RETRY_DELAY_SECONDS, doubling).
    expect((await sql<{ state: string }>('SELECT state FROM pgboss.job WHERE name = $1 AND id = $2', [RUN_QUEUE, id]))[0].state).toMatch(/^(retry|active)$/);
    const waiting = await fhirRequest(statusUrl, customer);
    expect(waiting.status).toBe(202);
    expect(waiting.headers.get('x-progress')).toMatch(/^(queued: run 1 failed|running)/);

    proxy.setMode('pass');
    const done = await settled(statusUrl, customer);
    expect(done.status).toBe(200);
    expect((await exportRow(id)).attempts).toBeGreaterThanOrEqual(2);
    const resources = await downloadAll(done.body, customer);
    expect(resources.length).toBe(await everythingCount(OWN, customer));
    for (const resource of resources.slice(0, 50)) expectValidResource(resource);
  });

  it('ends FAILED when every run fails: the status is a 500 OperationOutcome saying why; the limit per patient holds meanwhile', async () => {
    proxy.setMode('refuse');
    const first = await kickOff(customer, OWN);
    const second = await kickOff(customer, OWN);
    // FHIR_EXPORT_MAX_ACTIVE_PER_PATIENT=2: a third waits its turn.
    const third = await fhirRequest(`${FHIR}/Patient/${OWN}/$export`, { ...customer, prefer: 'respond-async' });
    expectOutcome(third, 429, 'throttled', /already has 2 exports/);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another patient's exports are not held up by these; one waiting is cancelled (and its job with it).
    const other = await kickOff(otherCustomer, OTHER);
    expect((await fhirRequest(other.statusUrl, otherCustomer, { method: 'DELETE' })).status).toBe(202);
    expect(await exportRow(other.id)).toBeUndefined();

    for (const { id, statusUrl } of [first, second]) {
      const failed = await settled(statusUrl, customer, 30_000);
      expectOutcome(failed, 500, 'exception', /Every run failed \(2\); the last: The FHIR API could not be reached/);
      expect(await exportRow(id)).toMatchObject({ status: 'FAILED', attempts: 2 });
      expect((await sql<{ n: number }>('SELECT count(*)::int AS n FROM patient_graph.fhir_export_files WHERE export_id = $1', [id]))[0].n).toBe(0);
    }
    proxy.setMode('pass');
    // Failed exports no longer count: the patient may start again.
    expect((await fhirRequest(`${FHIR}/Patient/${OWN}/$export`, { ...customer, prefer: 'respond-async' })).status).toBe(202);
  });
});

describe('an export when its process stops', () => {
  it('is run again after the restart, and so is one still waiting in the queue', async () => {
    await eventually(async () => (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM patient_graph.fhir_exports WHERE status IN ('QUEUED', 'RUNNING')`))[0].n === 0, 20_000, 'earlier exports to settle');
    proxy.setMode('stall');
    const running = await kickOff(customer, OWN);
    await eventually(async () => (await exportRow(running.id))?.status === 'RUNNING', 10_000, 'the export to start running');
    // One worker per process (FHIR_EXPORT_WORKERS=1): this one waits behind it.
    const queued = await kickOff(otherCustomer, OTHER);
    expect((await exportRow(queued.id)).status).toBe('QUEUED');

    await stop();
    proxy.setMode('pass');
    await start();
    const done = await settled(running.statusUrl, customer, 30_000);
    expect(done.status).toBe(200);
    expect((await exportRow(running.id)).attempts).toBe(2);
    expect((await downloadAll(done.body, customer)).length).toBe(await everythingCount(OWN, customer));
    const after = await settled(queued.statusUrl, otherCustomer, 30_000);
    expect(after.status).toBe(200);
    expect((await exportRow(queued.id)).attempts).toBe(1);
    expect((await downloadAll(after.body, otherCustomer)).length).toBe(await everythingCount(OTHER, otherCustomer));
  });
});

describe('an expired export', () => {
  it('is gone for its requester at once, then deleted with its files by the queue', async () => {
    const kept = await kickOff(customer, OWN);
    const expiring = await kickOff(customer, OWN);
    const manifest = (await settled(expiring.statusUrl, customer)).body;
    expect((await settled(kept.statusUrl, customer)).status).toBe(200);
    // Move its expiry (FHIR_EXPORT_RETENTION_SECONDS after it finished) into the past.
    await sql(`UPDATE patient_graph.fhir_exports SET expires_at = now() - interval '1 second' WHERE id = $1`, [expiring.id]);
    expectOutcome(await fhirRequest(expiring.statusUrl, customer), 404, 'not-found');
    expectOutcome(await fhirRequest(manifest.output[0].url, customer), 404, 'not-found');

    // The purge job the export scheduled for that time: make it due now.
    await sql(`UPDATE pgboss.job SET start_after = now() WHERE name = $1 AND state = 'created'`, [PURGE_QUEUE]);
    (stack!.services.patient as PatientServices).exports.queue.wake(PURGE_QUEUE);
    await eventually(async () => (await exportRow(expiring.id)) === undefined, 10_000, 'the expired export to be deleted');
    expect((await sql<{ n: number }>('SELECT count(*)::int AS n FROM patient_graph.fhir_export_files WHERE export_id = $1', [expiring.id]))[0].n).toBe(0);
    // Exports not yet expired stay.
    expect((await exportRow(kept.id)).status).toBe('COMPLETED');
    expect((await fhirRequest(kept.statusUrl, customer)).status).toBe(200);
    expect((await sql<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state = 'created' AND start_after <= now()`, [RUN_QUEUE]))[0].n).toBe(0);
  });
});

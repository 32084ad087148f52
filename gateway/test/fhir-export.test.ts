// The patient's own FHIR Bulk Data export through the gateway, on the seeded data: a customer
// kicks off Patient/{id}/$export, polls the status URL until the manifest comes, downloads every
// NDJSON file, and finds every line valid R4 and exactly what $everything shows them; only the
// requester sees the status and the files; kick-offs that are not asynchronous or ask for what
// is not served are refused with OperationOutcomes; DELETE cancels; every step is audited.
import type { Resource } from '@medplum/fhirtypes';
import { authHeaders, seededPatientId } from '../../test/support/auth';
import { expectOutcome, expectValidResource, fhirRequest, searchAll, type FhirResponse } from '../../test/support/fhir';
import { gql } from '../../test/support/graphql';
import { partnerToken } from '../../test/support/partners';

const OWN = seededPatientId(1);
const OTHER = seededPatientId(2);
const ASYNC = { prefer: 'respond-async' };
const STATUS_URL = /\/fhir\/R4\/\$export-status\/[0-9a-f-]{36}$/;

interface Manifest {
  transactionTime: string;
  request: string;
  requiresAccessToken: boolean;
  output: { type: string; url: string; count: number }[];
  error: unknown[];
}

let customer: Record<string, string>;
let otherCustomer: Record<string, string>;
let staff: Record<string, string>;
let admin: Record<string, string>;
beforeAll(async () => {
  customer = await authHeaders('customer');
  otherCustomer = await authHeaders('customer', { patientIndex: 2 });
  staff = await authHeaders('staff');
  admin = await authHeaders('admin');
});

async function kickOff(headers: Record<string, string>, patientId: string, query = ''): Promise<string> {
  const response = await fhirRequest(`Patient/${patientId}/$export${query}`, { ...headers, ...ASYNC });
  expect(response.status).toBe(202);
  expect(response.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'information' }] });
  expectValidResource(response.body);
  const location = response.headers.get('content-location')!;
  expect(location).toMatch(STATUS_URL);
  return location;
}

/** Polls as a client would (honouring Retry-After, within a bound) until the export is not in progress. */
async function poll(statusUrl: string, headers: Record<string, string>, within = 30_000): Promise<FhirResponse> {
  const deadline = Date.now() + within;
  for (;;) {
    const response = await fhirRequest(statusUrl, headers);
    if (response.status !== 202) return response;
    expect(response.headers.get('x-progress')).toMatch(/^(queued|running: \d+ resources written)/);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    if (Date.now() > deadline) throw new Error(`the export at ${statusUrl} did not finish within ${within / 1000}s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function completed(statusUrl: string, headers: Record<string, string>): Promise<Manifest> {
  const response = await poll(statusUrl, headers);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(Date.parse(response.headers.get('expires')!)).toBeGreaterThan(Date.now());
  return response.body as Manifest;
}

/** Every file of a manifest, downloaded and parsed: each line one resource of the file's type. */
async function download(manifest: Manifest, headers: Record<string, string>): Promise<Resource[]> {
  const resources: Resource[] = [];
  for (const file of manifest.output) {
    const response = await fhirRequest(file.url, { ...headers, accept: 'application/fhir+ndjson' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/fhir\+ndjson/);
    const lines = response.text.split('\n');
    expect(lines.pop()).toBe(''); // every line ends with a newline
    expect(lines.length).toBe(file.count);
    for (const line of lines) {
      const resource = JSON.parse(line) as Resource;
      expect(resource.resourceType).toBe(file.type);
      resources.push(resource);
    }
  }
  return resources;
}

const keys = (resources: Resource[]) => resources.map((r) => `${r.resourceType}/${r.id}`);
const countByType = (resources: Resource[]) => resources.reduce<Record<string, number>>((counts, r) => ({ ...counts, [r.resourceType]: (counts[r.resourceType] ?? 0) + 1 }), {});

/** The audit rows of the requests a client sent with this x-request-id (kept as their correlation id). */
async function auditRows(correlationId: string) {
  const trail = await gql(
    'query($r: String!) { auditLog(filter: { correlationId: $r }, first: 50) { edges { node { actorId resource action decision patientId reason operationName } } } }',
    { r: correlationId },
    { headers: admin },
  );
  expect(trail.errors ?? []).toEqual([]);
  return trail.data!.auditLog.edges.map((e: any) => e.node);
}

describe('FHIR $export: a patient exports their own record', () => {
  let statusUrl: string;
  let manifest: Manifest;
  let exported: Resource[];

  beforeAll(async () => {
    statusUrl = await kickOff(customer, OWN);
    manifest = await completed(statusUrl, customer);
    exported = await download(manifest, customer);
  });

  it('answers the kick-off with a status URL, then the manifest of NDJSON files for the requester', () => {
    expect(manifest).toMatchObject({ requiresAccessToken: true, error: [] });
    expect(manifest.request).toMatch(new RegExp(`/fhir/R4/Patient/${OWN}/\\$export$`));
    expect(Date.parse(manifest.transactionTime)).toBeLessThanOrEqual(Date.now());
    expect(manifest.output.length).toBeGreaterThan(0);
    for (const file of manifest.output) expect(file.url).toMatch(/\/fhir\/R4\/\$export-file\/[0-9a-f-]{36}$/);
    // One file per type here (the seeded record is far below FHIR_EXPORT_FILE_MAX_BYTES), in $everything's order.
    expect(manifest.output.map((f) => f.type)).toEqual(['Patient', 'Observation', 'DiagnosticReport', 'MedicationStatement', 'Device']);
  });

  it('holds resources that each validate against R4 (and the profiles they claim)', () => {
    expect(exported.length).toBeGreaterThan(100);
    for (const resource of exported) expectValidResource(resource);
  });

  it('holds exactly what $everything shows the same patient, type by type', async () => {
    const everything = await searchAll(`Patient/${OWN}/$everything`, customer);
    expect(countByType(exported)).toEqual(countByType(everything));
    expect(keys(exported)).toEqual(keys(everything));
  });

  it('narrows by _type and _since as $everything does', async () => {
    const since = '2025-06-01T00:00:00Z';
    const narrowed = await download(await completed(await kickOff(customer, OWN, `?_type=Observation,Device&_since=${since}&_outputFormat=application%2Ffhir%2Bndjson`), customer), customer);
    const everything = await searchAll(`Patient/${OWN}/$everything?_type=Observation,Device&_since=${since}`, customer);
    expect(keys(narrowed)).toEqual(keys(everything));
    expect(narrowed.length).toBeGreaterThan(0);
    for (const resource of narrowed) expect(['Observation', 'Device']).toContain(resource.resourceType);
  });

  it('keeps the status and the files from everyone but the requester (403 OperationOutcome), and from anonymous callers (401)', async () => {
    expectOutcome(await fhirRequest(statusUrl, otherCustomer), 403, 'forbidden');
    expectOutcome(await fhirRequest(manifest.output[1].url, otherCustomer), 403, 'forbidden');
    expectOutcome(await fhirRequest(statusUrl, otherCustomer, { method: 'DELETE' }), 403, 'forbidden');
    // Staff may export a patient's record, but this export is the patient's own.
    expectOutcome(await fhirRequest(statusUrl, staff), 403, 'forbidden', /requester/);
    expectOutcome(await fhirRequest(manifest.output[0].url, admin), 403, 'forbidden', /requester/);
    expectOutcome(await fhirRequest(statusUrl), 401, 'login');
    expectOutcome(await fhirRequest(manifest.output[0].url), 401, 'login');
    // Still there for the requester.
    expect((await fhirRequest(statusUrl, customer)).status).toBe(200);
    // Another patient's record is not theirs to export.
    expectOutcome(await fhirRequest(`Patient/${OWN}/$export`, { ...otherCustomer, ...ASYNC }), 403, 'forbidden');
  });

  it('audits the kick-off, every poll and download (allowed or refused), and the job’s reads as the requester', async () => {
    const kick = `export-kick-${Date.now()}`;
    const status = await fhirRequest(`Patient/${OWN}/$export?_type=Device`, { ...customer, ...ASYNC, 'x-request-id': kick });
    expect(status.status).toBe(202);
    const exportId = status.headers.get('content-location')!.split('/').pop()!;
    expect(await auditRows(kick)).toEqual([
      { actorId: 'user_seed_0001', resource: 'fhir_exports', action: 'create', decision: 'ALLOW', patientId: OWN, reason: 'own record', operationName: 'StartFhirExport' },
    ]);
    const files = await completed(status.headers.get('content-location')!, customer);
    const poll = `export-poll-${Date.now()}`;
    expect((await fhirRequest(status.headers.get('content-location')!, { ...customer, 'x-request-id': poll })).status).toBe(200);
    expect(await auditRows(poll)).toEqual([expect.objectContaining({ resource: 'fhir_exports', action: 'read', decision: 'ALLOW', operationName: 'FhirExportStatus' })]);
    const get = `export-file-${Date.now()}`;
    expect((await fhirRequest(files.output[0].url, { ...customer, 'x-request-id': get })).status).toBe(200);
    expect(await auditRows(get)).toEqual([expect.objectContaining({ resource: 'fhir_exports', action: 'read', decision: 'ALLOW', operationName: 'FhirExportFile' })]);
    const refused = `export-refused-${Date.now()}`;
    expect((await fhirRequest(files.output[0].url, { ...otherCustomer, 'x-request-id': refused })).status).toBe(403);
    expect(await auditRows(refused)).toEqual([expect.objectContaining({ actorId: 'user_seed_0002', resource: 'fhir_exports', action: 'read', decision: 'DENY', patientId: OWN })]);
    // The job read the record as the requester, under the export's own correlation id, saying so.
    const reads = await auditRows(`fhir-export.${exportId}`);
    expect(reads.length).toBeGreaterThan(0);
    for (const row of reads) expect(row).toMatchObject({ actorId: 'user_seed_0001', decision: 'ALLOW', patientId: OWN, reason: `own record; by fhir-export:${exportId}` });
    expect(new Set(reads.map((r: any) => r.resource))).toEqual(new Set(['profile', 'wearables']));
  });

  it('cancels on DELETE: 202, then the status URL and the files answer 404', async () => {
    const url = await kickOff(customer, OWN, '?_type=Patient');
    const done = await completed(url, customer);
    const cancel = `export-cancel-${Date.now()}`;
    const deleted = await fhirRequest(url, { ...customer, 'x-request-id': cancel }, { method: 'DELETE' });
    expect(deleted.status).toBe(202);
    expect(deleted.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'information' }] });
    expect(await auditRows(cancel)).toEqual([expect.objectContaining({ resource: 'fhir_exports', action: 'delete', decision: 'ALLOW' })]);
    expectOutcome(await fhirRequest(url, customer), 404, 'not-found');
    expectOutcome(await fhirRequest(done.output[0].url, customer), 404, 'not-found');
    expectOutcome(await fhirRequest(url, customer, { method: 'DELETE' }), 404, 'not-found');
  });
});

describe('FHIR $export: who may start one', () => {
  it('lets staff export a patient’s record on their behalf, as staff see it, for themselves alone', async () => {
    const url = await kickOff(staff, OTHER);
    const exported = await download(await completed(url, staff), staff);
    expect(keys(exported)).toEqual(keys(await searchAll(`Patient/${OTHER}/$everything`, staff)));
    // The patient did not start it: it is not theirs to read.
    expectOutcome(await fhirRequest(url, otherCustomer), 403, 'forbidden', /requester/);
  });

  it('refuses providers and support (the matrix), and partner clients whatever their scopes', async () => {
    expectOutcome(await fhirRequest(`Patient/${OTHER}/$export`, { ...(await authHeaders('provider')), ...ASYNC }), 403, 'forbidden');
    expectOutcome(await fhirRequest(`Patient/${OTHER}/$export`, { ...(await authHeaders('support')), ...ASYNC }), 403, 'forbidden');
    const token = await partnerToken({ name: 'Bulk reader', role: 'STAFF', scopes: ['system/*.rs'] });
    expectOutcome(await fhirRequest(`Patient/${OTHER}/$export`, { authorization: `Bearer ${token.access_token}`, ...ASYNC }), 403, 'forbidden', /partner/);
  });
});

describe('FHIR $export: kick-offs that are refused (400 OperationOutcome, nothing started)', () => {
  it.each([
    ['without Prefer: respond-async', '', {}, 'invalid', /Prefer: respond-async/],
    ['with an unknown parameter', '?_typeFilter=Observation%3Fcategory%3Dlaboratory', ASYNC, 'invalid', /Unknown search parameter "_typeFilter"/],
    ['for another output format', '?_outputFormat=text/csv', ASYNC, 'not-supported', /_outputFormat/],
    ['for a type the server does not serve', '?_type=Encounter', ASYNC, 'invalid', /Encounter/],
    ['with a _since that is not a date', '?_since=yesterday', ASYNC, 'invalid', /_since/],
  ])('%s', async (_case, query, headers, code, text) => {
    const requestId = `export-refused-kickoff-${Date.now()}`;
    const response = await fhirRequest(`Patient/${OWN}/$export${query}`, { ...customer, ...headers, 'x-request-id': requestId });
    expectOutcome(response, 400, code, text);
    expect(response.headers.get('content-location')).toBeNull();
    // The graph was never asked: no export was started (its kick-off would leave an audit row).
    expect(await auditRows(requestId)).toEqual([]);
  });

  it('answers 404 for an unknown patient, status or file', async () => {
    expectOutcome(await fhirRequest('Patient/00000000-0000-4000-8000-000000000000/$export', { ...admin, ...ASYNC }), 404, 'not-found');
    expectOutcome(await fhirRequest('$export-status/00000000-0000-4000-8000-000000000000', customer), 404, 'not-found');
    expectOutcome(await fhirRequest('$export-file/00000000-0000-4000-8000-000000000000', customer), 404, 'not-found');
    expectOutcome(await fhirRequest('$export-status/not-an-id', customer), 404, 'not-found');
  });
});

// Audit rows commit with what they record (issue 15, item 2; issue 16, item 1). The whole stack runs
// in this process on a database of this file's own, so the test can make the audit insert fail
// on the database itself: a trigger the schema's owner adds on patient_graph.rbac_logs refuses
// every insert. Then a read answers an error and no PHI, and a mutation (a batch transaction, an
// interactive one, a single write) answers an error and wrote nothing. Healthy, a write's audit
// rows are in the write's own transaction (same xmin), and a read's rows are one statement for
// every subgraph it reached (the gateway's batch, gateway/audit-batch.ts), one row per distinct
// (service, resource, action, patient, decision).
import { seededPatientId } from '../prisma/seed/identities';
import { signDevToken } from '../shared/auth/dev-issuer';
import { loadConfig } from '../shared/config';
import { ALL_SERVICES, launch, type Launched } from '../bin/launch';
import { seededScratchPlace, type SeededPlace } from './support/database';
import { codes, gql } from './support/graphql';

const PORT_BASE = Number(process.env.TEST_PORT_BASE ?? 4400) + 350;
const url = `http://127.0.0.1:${PORT_BASE}`;
const PATIENT = seededPatientId(1);
const OTHER = seededPatientId(2);

let place: SeededPlace;
let stack: Launched;
let admin: Record<string, string>;
const savedEnv = { ...process.env };

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => stack.db!.sql.query<T>(text, params);
/** As the schema's owner (the application role may not add triggers to the audit tables). */
const owner = (text: string) => stack.db!.owner.query(text);

const REFUSE_AUDIT = `
  CREATE OR REPLACE FUNCTION patient_graph.test_refuse_audit() RETURNS trigger AS $$
  BEGIN RAISE EXCEPTION 'audit store unavailable (test)'; END; $$ LANGUAGE plpgsql;
  CREATE TRIGGER test_refuse_audit BEFORE INSERT ON patient_graph.rbac_logs FOR EACH STATEMENT EXECUTE FUNCTION patient_graph.test_refuse_audit()`;
const ACCEPT_AUDIT = 'DROP TRIGGER IF EXISTS test_refuse_audit ON patient_graph.rbac_logs';

async function withAuditRefused<T>(run: () => Promise<T>): Promise<T> {
  for (const statement of REFUSE_AUDIT.split(/;\s*(?=CREATE TRIGGER)/)) await owner(statement);
  try {
    return await run();
  } finally {
    await owner(ACCEPT_AUDIT);
  }
}

const ask = (query: string, variables: Record<string, unknown> = {}) => gql(query, variables, { url, headers: admin });

beforeAll(async () => {
  place = await seededScratchPlace('loop-audit-closed-', 3);
  process.env = { ...savedEnv, PORT_BASE: String(PORT_BASE), DATA_DIR: place.dataDir, SEED: 'false', NODE_ENV: 'test', LOG_LEVEL: 'fatal' };
  delete process.env.REDIS_URL; // events stay in this process: the shared test Redis carries the main stack's
  if (place.databaseUrl) process.env.DATABASE_URL = place.databaseUrl;
  else delete process.env.DATABASE_URL;
  if (place.ownerUrl) process.env.DATABASE_OWNER_URL = place.ownerUrl;
  else delete process.env.DATABASE_OWNER_URL;
  stack = await launch(loadConfig(), ALL_SERVICES);
  admin = { authorization: `Bearer ${await signDevToken(place.dataDir, { sub: 'user_test_admin', role: 'admin' })}` };
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  await place?.dispose();
  process.env = savedEnv;
});

describe('when the audit insert fails', () => {
  /** A mutation on PATIENT while the audit insert fails: an error, AUDIT_UNAVAILABLE among its codes, and no `field` in the data. */
  async function expectRefused(mutation: string, field: string): Promise<void> {
    const response = await withAuditRefused(() => ask(mutation, { id: PATIENT }));
    expect(response.errors?.length).toBeGreaterThan(0);
    expect(response.data?.[field] ?? null).toBeNull();
    expect(codes(response)).toContain('AUDIT_UNAVAILABLE');
  }

  it('a read answers a clear error and none of the patient data', async () => {
    const [{ first_name: firstName, last_name: lastName }] = await sql<{ first_name: string; last_name: string }>(
      'SELECT first_name, last_name FROM patient_graph.customer_profiles WHERE id = $1',
      [PATIENT],
    );
    const query = 'query($id: ID!) { patient(id: $id) { id firstName lastName protocols { id name } } }';
    const healthy = await ask(query, { id: PATIENT });
    expect(healthy.data?.patient?.firstName).toBe(firstName);

    const refused = await withAuditRefused(() => ask(query, { id: PATIENT }));
    expect(refused.errors?.length).toBeGreaterThan(0);
    expect(refused.errors!.some((error) => error.extensions?.code === 'AUDIT_UNAVAILABLE' && /could not be audited/.test(error.message))).toBe(true);
    expect(refused.data?.patient ?? null).toBeNull();
    const body = JSON.stringify(refused);
    expect(body).not.toContain(firstName);
    expect(body).not.toContain(lastName);
  });

  it('a mutation in a batch transaction answers an error and changed nothing', async () => {
    await expectRefused('mutation($id: ID!) { updatePatientProfile(id: $id, input: { firstName: "Unaudited" }) { id firstName } }', 'updatePatientProfile');
    expect(await sql('SELECT 1 FROM patient_graph.customer_profiles WHERE first_name = $1', ['Unaudited'])).toEqual([]);
    expect(await sql("SELECT 1 FROM patient_graph.patient_events WHERE profile_id = $1 AND type = 'PROFILE_UPDATED'", [PATIENT])).toEqual([]);
  });

  it('a mutation that is one write answers an error and wrote nothing', async () => {
    await expectRefused('mutation($id: ID!) { recordPatientEvent(patientId: $id, input: { type: CHECK_IN, title: "unaudited event" }) { id } }', 'recordPatientEvent');
    expect(await sql('SELECT 1 FROM patient_graph.patient_events WHERE title = $1', ['unaudited event'])).toEqual([]);
  });

  it('a mutation in an interactive transaction answers an error and wrote nothing', async () => {
    await expectRefused('mutation($id: ID!) { createProtocol(patientId: $id, input: { name: "Unaudited protocol" }) { id } }', 'createProtocol');
    expect(await sql('SELECT 1 FROM patient_graph.protocols WHERE name = $1', ['Unaudited protocol'])).toEqual([]);
  });
});

describe('when the audit store is healthy', () => {
  const auditOf = (requestId: string) =>
    sql<{ service: string; resource: string; action: string; patient_id: string | null; decision: string; tx: string }>(
      'SELECT service, resource, action, patient_id::text AS patient_id, decision::text AS decision, xmin::text AS tx FROM patient_graph.rbac_logs WHERE request_id = $1',
      [requestId],
    );

  it('commits a write and its audit rows in one transaction', async () => {
    const response = await ask('mutation($id: ID!) { recordPatientEvent(patientId: $id, input: { type: CHECK_IN, title: "audited event" }) { id title } }', { id: PATIENT });
    expect(response.errors ?? []).toEqual([]);
    const [event] = await sql<{ tx: string }>('SELECT xmin::text AS tx FROM patient_graph.patient_events WHERE id = $1', [response.data!.recordPatientEvent.id]);
    const rows = await auditOf(response.headers.get('x-request-id')!);
    const create = rows.find((row) => row.action === 'create' && row.patient_id === PATIENT);
    expect(create).toMatchObject({ service: 'patient', decision: 'ALLOW', tx: event.tx });
  });

  it('writes one statement for every subgraph a read reaches, one row per distinct decision however many objects reach it', async () => {
    const query = `query($a: ID!, $b: ID!) {
      a: patient(id: $a) { id firstName lastName sex age labResults(first: 5) { edges { node { id readings { code value } } } } }
      again: patient(id: $a) { id firstName lastName labResults(first: 5) { edges { node { id } } } }
      b: patient(id: $b) { id firstName }
    }`;
    const response = await ask(query, { a: PATIENT, b: OTHER });
    expect(response.errors ?? []).toEqual([]);
    const rows = await auditOf(response.headers.get('x-request-id')!);
    const keys = rows.map((row) => `${row.service}|${row.resource}|${row.action}|${row.patient_id}|${row.decision}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(expect.arrayContaining([`patient|profile|read|${PATIENT}|ALLOW`, `patient|profile|read|${OTHER}|ALLOW`]));
    expect(rows.some((row) => row.service === 'labs' && row.patient_id === PATIENT)).toBe(true);
    // One statement for the request: the rows of both subgraphs share one transaction.
    expect(new Set(rows.map((row) => row.service))).toEqual(new Set(['patient', 'labs']));
    expect(new Set(rows.map((row) => row.tx)).size).toBe(1);
  });

  it('still finds every access to a patient through auditLog(filter: { patient })', async () => {
    const read = await ask('query($id: ID!) { patient(id: $id) { firstName } }', { id: OTHER });
    expect(read.errors ?? []).toEqual([]);
    const log = await ask('query($id: ID!) { auditLog(first: 100, filter: { patient: $id }) { edges { node { requestId resource decision } } } }', { id: OTHER });
    expect(log.errors ?? []).toEqual([]);
    const requestIds = log.data!.auditLog.edges.map((edge: any) => edge.node.requestId);
    expect(requestIds).toContain(read.headers.get('x-request-id'));
  });
});

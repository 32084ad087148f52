// Walks the RBAC matrix through the gateway: every resource x action the graph offers, for
// every role, on the caller's own record and on another patient's. Each probe must be allowed
// or denied exactly as docs/architecture.md's table says, and must leave its audit row. (Actions the graph
// has no operation for, e.g. deleting a profile, are covered by test/rbac-decide.unit.test.ts.)
import { randomUUID } from 'node:crypto';
import type { Role } from '../shared/auth/caller';
import { authHeaders, seededPatientId } from './support/auth';
import { gql, type GraphQLResponse } from './support/graphql';

const OWN = seededPatientId(1); // the customer token below signs in as patient 1
const OTHER = seededPatientId(2);
const ROLES: Role[] = ['admin', 'staff', 'provider', 'support', 'customer'];

// docs/architecture.md's table for the probed cells: which roles may, and whether only on their own record.
const EXPECTED: Record<string, { roles: Role[]; customerOwn: boolean }> = {
  'profile:read': { roles: ['admin', 'staff', 'provider', 'support'], customerOwn: true },
  'profile:update': { roles: ['admin', 'staff'], customerOwn: true },
  'lab_results:read': { roles: ['admin', 'staff', 'provider', 'support'], customerOwn: true },
  'lab_results:create': { roles: ['admin', 'staff'], customerOwn: true },
  'lab_results:delete': { roles: ['admin', 'staff'], customerOwn: false },
  'protocols:read': { roles: ['admin', 'staff', 'provider', 'support'], customerOwn: true },
  'protocols:create': { roles: ['admin', 'staff', 'provider'], customerOwn: false },
  'protocols:update': { roles: ['admin', 'staff', 'provider'], customerOwn: false },
  'protocols:delete': { roles: ['admin', 'staff'], customerOwn: false },
  'events:read': { roles: ['admin', 'staff', 'provider', 'support'], customerOwn: true },
  'events:create': { roles: ['admin', 'staff'], customerOwn: false },
  'audit_log:read': { roles: ['admin', 'staff'], customerOwn: false },
  'wearables:read': { roles: ['admin', 'staff', 'provider', 'support'], customerOwn: true },
  'wearables:create': { roles: ['admin', 'staff'], customerOwn: true },
  'wearables:delete': { roles: ['admin', 'staff'], customerOwn: true },
  'conversations:read': { roles: ['admin', 'staff', 'provider', 'support'], customerOwn: true },
  'conversations:create': { roles: ['admin', 'staff'], customerOwn: true },
  'conversations:update': { roles: ['admin', 'staff'], customerOwn: true },
  'care_alerts:read': { roles: ['admin', 'staff', 'provider'], customerOwn: false },
  'clinical_overrides:create': { roles: ['provider'], customerOwn: false },
  // Reading or cancelling an export is for its requester alone (gateway/test/fhir-export.test.ts).
  'fhir_exports:create': { roles: ['admin', 'staff'], customerOwn: true },
};

interface Probe {
  key: string;
  /** Makes what the probe acts on (as admin) and returns the operation's variables. */
  prepare(patientId: string): Promise<Record<string, unknown>>;
  query: string;
  /** The data field that must be absent when denied. */
  field: string;
  /** Denied first by this resource's rule (a nested read by the profile read on its patient; an override by writing protocols at all). */
  gatedBy?: string;
  /** An operation on no single patient (a list): its audit row names none. */
  list?: boolean;
}

let admin: Record<string, string>;
const as = (query: string, variables: Record<string, unknown>) => gql(query, variables, { headers: admin });
async function must<T = any>(query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await as(query, variables);
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data as T;
}

const today = new Date().toISOString();
const newLabResult = async (patientId: string) =>
  (
    await must(
      'mutation($p: ID!, $at: DateTime!) { createLabResult(patientId: $p, input: { collectedAt: $at, readings: [{ code: "GLUCOSE", value: 90, unit: "mg/dL" }] }) { id } }',
      { p: patientId, at: today },
    )
  ).createLabResult.id as string;
const newProtocol = async (patientId: string) =>
  (await must('mutation($p: ID!) { createProtocol(patientId: $p, input: { name: "Probe" }) { id } }', { p: patientId })).createProtocol.id as string;
const newConversation = async (patientId: string) =>
  (await must('mutation($p: ID!) { startConversation(patientId: $p, title: "Probe") { id } }', { p: patientId })).startConversation.id as string;

const PROBES: Probe[] = [
  { key: 'profile:read', prepare: async (p) => ({ p }), query: 'query Probe($p: ID!) { patient(id: $p) { id firstName } }', field: 'patient' },
  {
    key: 'profile:update',
    prepare: async (p) => ({ p }),
    query: 'mutation Probe($p: ID!) { updatePatientProfile(id: $p, input: { allergies: ["probe"] }) { id } }',
    field: 'updatePatientProfile',
  },
  { key: 'lab_results:read', prepare: async (p) => ({ id: await newLabResult(p) }), query: 'query Probe($id: ID!) { labResult(id: $id) { id collectedAt } }', field: 'labResult' },
  {
    key: 'lab_results:create',
    prepare: async (p) => ({ p, at: today }),
    query: 'mutation Probe($p: ID!, $at: DateTime!) { createLabResult(patientId: $p, input: { collectedAt: $at, readings: [{ code: "GLUCOSE", value: 91, unit: "mg/dL" }] }) { id } }',
    field: 'createLabResult',
  },
  { key: 'lab_results:delete', prepare: async (p) => ({ id: await newLabResult(p) }), query: 'mutation Probe($id: ID!) { deleteLabResult(id: $id) }', field: 'deleteLabResult' },
  { key: 'protocols:read', prepare: async (p) => ({ id: await newProtocol(p) }), query: 'query Probe($id: ID!) { protocol(id: $id) { id name } }', field: 'protocol' },
  { key: 'protocols:create', prepare: async (p) => ({ p }), query: 'mutation Probe($p: ID!) { createProtocol(patientId: $p, input: { name: "New" }) { id } }', field: 'createProtocol' },
  {
    key: 'protocols:update',
    prepare: async (p) => ({ id: await newProtocol(p) }),
    query: 'mutation Probe($id: ID!) { updateProtocol(id: $id, input: { notes: "changed" }) { id } }',
    field: 'updateProtocol',
  },
  { key: 'protocols:delete', prepare: async (p) => ({ id: await newProtocol(p) }), query: 'mutation Probe($id: ID!) { deleteProtocol(id: $id) }', field: 'deleteProtocol' },
  {
    key: 'events:read',
    prepare: async (p) => ({ p }),
    query: 'query Probe($p: ID!) { patient(id: $p) { events(first: 1) { totalCount } } }',
    field: 'patient',
    gatedBy: 'profile',
  },
  {
    key: 'events:create',
    prepare: async (p) => ({ p }),
    query: 'mutation Probe($p: ID!) { recordPatientEvent(patientId: $p, input: { type: NOTE, title: "probe" }) { id } }',
    field: 'recordPatientEvent',
  },
  { key: 'audit_log:read', prepare: async () => ({}), query: 'query Probe { auditLog(first: 1) { edges { node { id } } } }', field: 'auditLog', list: true },
  { key: 'care_alerts:read', prepare: async () => ({}), query: 'query Probe { careAlerts(first: 1) { edges { node { id } } } }', field: 'careAlerts', list: true },
  {
    // BPC-157 600 mcg daily is above the catalog's 500 mcg per dose: the write needs an override.
    key: 'clinical_overrides:create',
    prepare: async (p) => ({ p, bpc: (await must('{ peptide(slug: "bpc-157") { id } }', {})).peptide.id }),
    query: `mutation Probe($p: ID!, $bpc: ID!) { createProtocol(patientId: $p, input: { name: "Probe", items: [{ peptideId: $bpc, doseAmount: 600, doseUnit: "mcg", frequency: "daily",
      override: { findings: [DOSE_ABOVE_MAXIMUM], reason: "Probe: tendon rupture repair, dose agreed with orthopaedics" } }] }) { id } }`,
    field: 'createProtocol',
    gatedBy: 'protocols',
  },
  {
    key: 'wearables:read',
    prepare: async (p) => ({ p }),
    query: 'query Probe($p: ID!) { patient(id: $p) { wearableConnections { id } } }',
    field: 'patient',
    gatedBy: 'profile',
  },
  {
    key: 'wearables:create',
    prepare: async (p) => ({ p, r: `probe-${randomUUID()}`, at: new Date(Date.now() - 3_600_000).toISOString() }),
    query:
      'mutation Probe($p: ID!, $r: String!, $at: DateTime!) { recordWearableReadings(patientId: $p, readings: [{ provider: OURA, metric: RESTING_HR, value: 58, unit: "bpm", recordedAt: $at, providerReadingId: $r }]) { inserted } }',
    field: 'recordWearableReadings',
  },
  {
    key: 'wearables:delete',
    prepare: async (p) => ({ p }),
    query: 'mutation Probe($p: ID!) { disconnectWearable(patientId: $p, provider: GARMIN) { id } }',
    field: 'disconnectWearable',
  },
  {
    // A one-type export, so the jobs these probes start stay small (a patient's limit of exports at once answers RATE_LIMITED, not a denial).
    key: 'fhir_exports:create',
    prepare: async (p) => ({ p }),
    query: 'mutation Probe($p: ID!) { startFhirExport(patientId: $p, input: { types: ["Patient"], request: "https://probe.invalid/fhir/R4/Patient/$export" }) { id } }',
    field: 'startFhirExport',
  },
  { key: 'conversations:read', prepare: async (p) => ({ id: await newConversation(p) }), query: 'query Probe($id: ID!) { conversation(id: $id) { id title } }', field: 'conversation' },
  { key: 'conversations:create', prepare: async (p) => ({ p }), query: 'mutation Probe($p: ID!) { startConversation(patientId: $p) { id } }', field: 'startConversation' },
  {
    key: 'conversations:update',
    prepare: async (p) => ({ id: await newConversation(p) }),
    query: 'mutation Probe($id: ID!) { archiveConversation(id: $id) { id } }',
    field: 'archiveConversation',
  },
];

const DENIAL_CODES = ['FORBIDDEN', 'UNAUTHENTICATED'];
const denied = (response: GraphQLResponse) => (response.errors ?? []).some((e) => DENIAL_CODES.includes(String(e.extensions?.code)));

beforeAll(async () => {
  admin = await authHeaders('admin');
});

const cases = PROBES.flatMap((probe) => ROLES.flatMap((role) => (['own', 'other'] as const).map((which) => [probe.key, role, which, probe] as const)));

describe('RBAC through the gateway', () => {
  it('probes every operation the matrix names', () => {
    expect(PROBES.map((p) => p.key).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(cases)('%s as %s on the %s record', async (key, role, which, probe) => {
    const patientId = which === 'own' ? OWN : OTHER;
    const expectation = EXPECTED[key];
    const allowed = expectation.roles.includes(role) || (role === 'customer' && expectation.customerOwn && which === 'own');
    const variables = await probe.prepare(patientId);
    const requestId = `probe-${randomUUID()}`;
    const response = await gql(probe.query, variables, { headers: { ...(await authHeaders(role)), 'x-request-id': requestId } });

    if (allowed) {
      expect(denied(response)).toBe(false);
    } else {
      expect(denied(response)).toBe(true);
      const data = response.data?.[probe.field];
      expect(data === null || data === undefined).toBe(true);
      const error = response.errors!.find((e) => DENIAL_CODES.includes(String(e.extensions?.code)))!;
      expect(error.extensions?.code).toBe('FORBIDDEN');
    }

    const [resource, action] = key.split(':');
    const audit = await must<{ auditLog: { edges: { node: any }[] } }>(
      'query($r: String!) { auditLog(filter: { correlationId: $r }, first: 50) { edges { node { resource action decision patientId actorRole operationName } } } }',
      { r: requestId },
    );
    const rows = audit.auditLog.edges.map((e) => e.node);
    const decision = allowed ? 'ALLOW' : 'DENY';
    const matching = rows.filter(
      (row) =>
        row.decision === decision &&
        row.actorRole === role &&
        ((row.resource === resource && row.action === action) || (!allowed && probe.gatedBy !== undefined && row.resource === probe.gatedBy)),
    );
    expect(matching.length).toBeGreaterThan(0);
    expect(matching[0].operationName).toBe('Probe');
    if (!probe.list) expect(matching.map((row) => row.patientId)).toContain(patientId);
  });
});

// @defer at the gateway (issue 17, item 4): GraphQL incremental delivery over multipart/mixed,
// planned across subgraphs. The deferred dashboard arrives as an initial part (patients,
// protocols, conversations) and later parts (labs with the health score; wearable stats) that
// add up to the same data as the whole query; RBAC refusals inside a deferred fragment are that
// part's errors only; a client that does not take multipart/mixed gets one JSON answer; the
// audit trail and the operation limits are as for any request.
import { auditRowsOfRequest } from './support/audit';
import { authHeaders } from './support/auth';
import { gql } from './support/graphql';
import { merged, postForParts, type Part } from './support/multipart';
import { lastWeek, operation } from './support/operations';
import { collectSse, sseClient } from './support/sse';
import { collectStream, wsClient } from './support/ws';

const PATIENTS = 5;
let admin: Record<string, string>;
beforeAll(async () => {
  admin = await authHeaders('admin');
});

const variables = () => ({ first: PATIENTS, ...lastWeek() });

/** Audit rows of one request, as (service, resource, action, patient) lines in a stable order. */
async function auditRowsOf(requestId: string): Promise<string[]> {
  const rows = await auditRowsOfRequest(requestId, admin);
  return rows.map((row) => `${row.service}|${row.resource}|${row.action}|${row.patientId}`).sort();
}

describe('@defer over multipart/mixed', () => {
  let deferred: Awaited<ReturnType<typeof postForParts>>;
  let whole: Awaited<ReturnType<typeof gql>>;
  beforeAll(async () => {
    deferred = await postForParts(operation('dashboard-deferred'), variables(), { headers: admin });
    whole = await gql(operation('dashboard'), variables(), { headers: admin });
    expect(whole.errors ?? []).toEqual([]);
  });

  it('sends the dashboard as an initial part without the deferred fields, then one part per deferred fragment', () => {
    expect(deferred.status).toBe(200);
    expect(deferred.contentType).toMatch(/^multipart\/mixed;.*deferSpec=20220824/);
    const [initial, ...rest] = deferred.parts;
    expect(initial.hasNext).toBe(true);
    expect(initial.errors).toBeUndefined();
    const nodes = initial.data!.patients.edges.map((edge: any) => edge.node);
    expect(nodes).toHaveLength(PATIENTS);
    for (const node of nodes) {
      expect(Object.keys(node).sort()).toEqual(['age', 'conversations', 'firstName', 'id', 'lastName', 'membership', 'protocols', 'sex']);
    }
    expect(rest).toHaveLength(2);
    expect(rest.map((part) => part.hasNext)).toEqual([true, false]);
    const labels = rest.map((part) => part.incremental![0].label).sort();
    expect(labels).toEqual(['labs', 'wearables']);
    for (const part of rest) {
      expect(part.incremental!.map((item) => item.path)).toEqual(nodes.map((_: unknown, i: number) => ['patients', 'edges', i, 'node']));
      const label = part.incremental![0].label;
      for (const item of part.incremental!) {
        expect(item.errors).toBeUndefined();
        expect(Object.keys(item.data!).sort()).toEqual(label === 'labs' ? ['healthScore', 'labResults'] : ['wearableDailyStats']);
      }
    }
  });

  it('adds up to the same data as the query without @defer', () => {
    expect(merged(deferred.parts)).toEqual(whole.data);
  });

  it('answers a client that does not accept multipart/mixed with one JSON result, the same data', async () => {
    const json = await postForParts(operation('dashboard-deferred'), variables(), { headers: admin, accept: 'application/json' });
    expect(json.contentType).toMatch(/^application\/json/);
    expect(json.parts).toHaveLength(1);
    expect(json.parts[0].hasNext).toBeUndefined();
    expect(json.parts[0].errors).toBeUndefined();
    expect(json.parts[0].data).toEqual(whole.data);
  });

  it('keeps an RBAC refusal inside a deferred fragment to that part', async () => {
    // support may read patients but not care alerts (schema/rbac-matrix.json).
    const support = await authHeaders('support');
    const response = await postForParts(
      'query { patients(first: 2) { edges { node { id firstName } } } ... @defer(label: "alerts") { careAlerts(first: 1) { edges { node { id } } } } }',
      {},
      { headers: support },
    );
    const [initial, later] = response.parts;
    expect(initial.errors).toBeUndefined();
    expect(initial.data!.patients.edges).toHaveLength(2);
    expect(initial.hasNext).toBe(true);
    expect(later.hasNext).toBe(false);
    expect(later.incremental).toHaveLength(1);
    const [item] = later.incremental!;
    expect(item).toMatchObject({ label: 'alerts', path: [], data: { careAlerts: null } });
    expect(item.errors!.map((error) => [error.extensions?.code, error.path])).toEqual([['FORBIDDEN', ['careAlerts']]]);
    expect(JSON.stringify(response.parts)).not.toMatch(/stacktrace|127\.0\.0\.1|localhost/);
  });

  it('writes the same audit rows as the whole query: one per patient and resource read', async () => {
    const asParts = await postForParts(operation('dashboard-deferred'), variables(), { headers: admin });
    const asOne = await gql(operation('dashboard'), variables(), { headers: admin });
    const [partsRows, oneRows] = await Promise.all([auditRowsOf(asParts.headers.get('x-request-id')!), auditRowsOf(asOne.headers.get('x-request-id')!)]);
    expect(partsRows.length).toBeGreaterThan(PATIENTS);
    expect(partsRows).toEqual(oneRows);
  });

  it('applies the operation limits to the deferred fragments before anything runs', async () => {
    const aliases = Array.from({ length: 120 }, (_, i) => `a${i}: firstName`).join(' ');
    const response = await postForParts(`query { patients(first: 1) { edges { node { id ... @defer { ${aliases} } } } } }`, {}, { headers: admin });
    expect(response.contentType).toMatch(/^application\/json/);
    expect(response.parts).toHaveLength(1);
    expect(response.parts[0].errors![0].extensions).toMatchObject({ code: 'OPERATION_LIMIT', limit: 'aliases' });
  });

  it('validates @defer as the schema declares it', async () => {
    const wrong = await gql('query { patients(first: 1) { edges { node { id ... @defer(label: 1) { firstName } } } } }', {}, { headers: admin });
    expect(wrong.errors![0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const misplaced = await gql('query { patients(first: 1) @defer { totalCount } }', {}, { headers: admin });
    expect(misplaced.errors![0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it("defers fields of an object that is no entity (fetched with the primary, sent apart), for an anonymous caller too", async () => {
    const query = '{ faqs(first: 2) { edges { node { question ... @defer(label: "answers") { answer } } } } }';
    const inParts = await postForParts(query, {});
    expect(inParts.contentType).toMatch(/^multipart\/mixed/);
    expect(inParts.parts).toHaveLength(2);
    expect(Object.keys(inParts.parts[0].data!.faqs.edges[0].node)).toEqual(['question']);
    expect(inParts.parts[1].incremental!.every((item) => item.label === 'answers' && typeof item.data!.answer === 'string')).toBe(true);
    const inOne = await gql(query);
    expect(merged(inParts.parts)).toEqual(inOne.data);
  });

  it('delivers a deferred named fragment and ignores @defer(if: false)', async () => {
    const query = `query($later: Boolean!) {
      patients(first: 2) { edges { node { id ...Labs @defer(label: "labs", if: $later) } } }
    }
    fragment Labs on Patient { labResults(first: 1) { edges { node { id } } } }`;
    const inParts = await postForParts(query, { later: true }, { headers: admin });
    expect(inParts.parts).toHaveLength(2);
    expect(inParts.parts[1].incremental!.map((item) => item.label)).toEqual(['labs', 'labs']);
    const inOne = await postForParts(query, { later: false }, { headers: admin });
    expect(inOne.parts).toHaveLength(1);
    expect(merged(inParts.parts)).toEqual(inOne.parts[0].data);
    const part = inOne.parts[0] as Part;
    expect(part.data!.patients.edges[0].node.labResults).toBeDefined();
  });
});

describe('@defer over the streaming transports', () => {
  let whole: Awaited<ReturnType<typeof gql>>;
  beforeAll(async () => {
    whole = await gql(operation('dashboard'), variables(), { headers: admin });
    expect(whole.errors ?? []).toEqual([]);
  });

  /** The initial result without the deferred fields, then the two deferred parts, adding up to the whole query's data. */
  async function expectParts(stream: ReturnType<typeof collectStream>) {
    await stream.ended(30_000);
    expect(stream.error).toBeUndefined();
    const parts = stream.events as Part[];
    expect(parts).toHaveLength(3);
    expect(parts.map((part) => part.hasNext)).toEqual([true, true, false]);
    expect(Object.keys(parts[0].data!.patients.edges[0].node)).not.toContain('labResults');
    expect(parts.slice(1).map((part) => part.incremental![0].label).sort()).toEqual(['labs', 'wearables']);
    expect(merged(parts)).toEqual(whole.data);
  }

  it('answers a query with @defer over graphql-ws in parts: one `next` message each, then complete', async () => {
    const client = wsClient(admin.authorization);
    try {
      await expectParts(collectStream((sink) => client.subscribe({ query: operation('dashboard-deferred'), variables: variables() }, sink)));
    } finally {
      await client.dispose();
    }
  });

  it('answers a query with @defer over SSE in parts', async () => {
    const client = sseClient(admin.authorization);
    try {
      await expectParts(collectSse(client, { query: operation('dashboard-deferred'), variables: variables() }));
    } finally {
      client.dispose();
    }
  });
});

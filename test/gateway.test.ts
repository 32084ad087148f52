import type { RunningServer } from '../shared/server/listen';
import { authHeaders } from './support/auth';
import { codes, gatewayUrl, gql, sqlStatements } from './support/graphql';
import { lastWeek, operation } from './support/operations';
import { freePort } from './support/stack';
import { stackSubgraphUrls, startTestGateway } from './support/gateway';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';

let admin: { headers: Record<string, string> };
beforeAll(async () => {
  admin = { headers: await authHeaders('admin') };
});

describe('gateway over the six subgraphs', () => {
  it('answers /healthz and, with every subgraph up, /readyz', async () => {
    expect((await fetch(`${gatewayUrl()}/healthz`)).status).toBe(200);
    const ready = await fetch(`${gatewayUrl()}/readyz`);
    expect(ready.status).toBe(200);
    const report = await ready.json();
    expect(report.status).toBe('ready');
    // Each subgraph by name, and Redis when the gateway uses it (DESIGN.md: a body naming each dependency).
    const expected: Record<string, string> = Object.fromEntries(['patient', 'labs', 'protocols', 'wearables', 'content', 'luna'].map((name) => [name, 'up']));
    if (process.env.REDIS_URL) expected.redis = 'up';
    expect(report.dependencies).toEqual(expected);
  });

  it('serves the dashboard query with data from patient, labs, protocols, content, wearables and luna', async () => {
    const response = await gql(operation('dashboard'), { first: 50, ...lastWeek() }, admin);
    expect(response.errors).toBeUndefined();
    const patients = response.data!.patients.edges.map((e: { node: any }) => e.node);
    expect(patients).toHaveLength(50);
    expect(patients.every((p: any) => p.firstName && ['FEMALE', 'MALE'].includes(p.sex))).toBe(true);
    const withLabs = patients.filter((p: any) => p.labResults.edges.length > 0);
    expect(withLabs.length).toBeGreaterThan(0);
    expect(withLabs[0].labResults.edges[0].node.readings.length).toBeGreaterThan(0);
    expect(withLabs[0].healthScore.score).toBeGreaterThanOrEqual(0);
    const items = patients.flatMap((p: any) => p.protocols.flatMap((protocol: any) => protocol.items));
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((item: any) => typeof item.peptide.name === 'string' && item.peptide.name.length > 0)).toBe(true);
    expect(patients.some((p: any) => p.wearableDailyStats.length > 0)).toBe(true);
    expect(patients.some((p: any) => p.conversations.totalCount > 0)).toBe(true);
  });

  it('sends the same number of SQL statements for the dashboard of 10 and of 50 patients (no N+1)', async () => {
    const measure = async (first: number) => {
      const before = await sqlStatements();
      const response = await gql(operation('dashboard'), { first, ...lastWeek() }, admin);
      expect(response.errors).toBeUndefined();
      return (await sqlStatements()) - before;
    };
    await measure(5); // warm-up
    const ten = await measure(10);
    const fifty = await measure(50);
    expect(ten).toBeGreaterThan(0);
    expect(fifty).toBe(ten);
  });

  it('holds the seeded demo population: 200+ patients of both sexes aged 20-80', async () => {
    const ids: string[] = [];
    const people: { sex: string; age: number }[] = [];
    let after: string | null = null;
    let total = 0;
    do {
      const page: any = await gql(
        'query($after: String) { patients(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id sex age } } } }',
        { after },
        admin,
      );
      expect(page.errors).toBeUndefined();
      total = page.data.patients.totalCount;
      for (const edge of page.data.patients.edges) {
        ids.push(edge.node.id);
        people.push(edge.node);
      }
      after = page.data.patients.pageInfo.hasNextPage ? page.data.patients.pageInfo.endCursor : null;
    } while (after);
    expect(total).toBeGreaterThanOrEqual(200);
    expect(new Set(ids).size).toBe(total);
    expect(new Set(people.map((p) => p.sex))).toEqual(new Set(['FEMALE', 'MALE']));
    expect(Math.min(...people.map((p) => p.age))).toBeGreaterThanOrEqual(20);
    expect(Math.max(...people.map((p) => p.age))).toBeLessThanOrEqual(80);
  });

  it('answers an unknown id with null and NOT_FOUND', async () => {
    const response = await gql('query($id: ID!) { patient(id: $id) { id } labResult(id: $id) { id } protocol(id: $id) { id } }', { id: MISSING_ID }, admin);
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ patient: null, labResult: null, protocol: null });
    expect(codes(response)).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND']);
  });

  it('answers invalid arguments with BAD_USER_INPUT naming the argument, and no stack trace', async () => {
    const badId = await gql('{ patient(id: "not-an-id") { id } }', {}, admin);
    expect(codes(badId)).toEqual(['BAD_USER_INPUT']);
    expect(badId.errors![0].message).toMatch(/^id:/);
    const tooMany = await gql('{ patients(first: 1000) { edges { node { id } } } }', {}, admin);
    expect(codes(tooMany)).toEqual(['BAD_USER_INPUT']);
    expect(tooMany.errors![0].message).toMatch(/^first:/);
    const badCursor = await gql('{ patients(first: 5, after: "!!") { edges { node { id } } } }', {}, admin);
    expect(codes(badCursor)).toEqual(['BAD_USER_INPUT']);
    for (const response of [badId, tooMany, badCursor]) {
      expect(JSON.stringify(response)).not.toMatch(/stacktrace|at .*\.ts:\d+/);
    }
  });

  it('rejects a malformed query with a client error, not a 500', async () => {
    const response = await gql('{ patients(first: 5) { edges { node { noSuchField } } } }', {}, admin);
    expect(response.status).toBe(400);
    expect(codes(response)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('refuses a body over 2 MB with 413 and one OPERATION_LIMIT error, and a body that is not JSON with a JSON 400', async () => {
    const post = (body: string) => fetch(`${gatewayUrl()}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...admin.headers }, body });
    const big = await post(JSON.stringify({ query: '{ __typename }', variables: { padding: 'x'.repeat(2 * 1024 * 1024) } }));
    expect(big.status).toBe(413);
    const bigBody = (await big.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(bigBody.errors).toHaveLength(1);
    expect(bigBody.errors[0].extensions).toMatchObject({ code: 'OPERATION_LIMIT', limit: 'bodySize', allowed: 2 * 1024 * 1024 });
    expect(bigBody.errors[0].extensions.measured).toBeGreaterThan(2 * 1024 * 1024);
    const broken = await post('{"query": "{ __typename }"');
    expect(broken.status).toBe(400);
    expect(broken.headers.get('content-type')).toMatch(/application\/json/);
    expect(((await broken.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('BAD_REQUEST');
    // Still serving.
    expect((await gql('{ patients(first: 1) { totalCount } }', {}, admin)).data).toBeTruthy();
  });

  it('updates a profile through the graph, validating the input and recording a timeline event', async () => {
    const list: any = await gql('{ patients(first: 1) { edges { node { id } } } }', {}, admin);
    const id = list.data.patients.edges[0].node.id;
    const invalid = await gql('mutation($id: ID!) { updatePatientProfile(id: $id, input: { timezone: "Mars/Olympus" }) { id } }', { id }, admin);
    expect(codes(invalid)).toEqual(['BAD_USER_INPUT']);
    const updated: any = await gql(
      'mutation($id: ID!) { updatePatientProfile(id: $id, input: { phone: "+1 555 0100", timezone: "Europe/Madrid" }) { phone timezone events(first: 1, types: [PROFILE_UPDATED]) { edges { node { type title } } } } }',
      { id },
      admin,
    );
    expect(updated.errors).toBeUndefined();
    expect(updated.data.updatePatientProfile).toMatchObject({ phone: '+1 555 0100', timezone: 'Europe/Madrid' });
    expect(updated.data.updatePatientProfile.events.edges[0].node.type).toBe('PROFILE_UPDATED');
  });
});

describe('gateway with a subgraph down', () => {
  let gateway: RunningServer;
  beforeAll(async () => {
    gateway = await startTestGateway({ subgraphUrls: stackSubgraphUrls({ labs: `http://127.0.0.1:${await freePort()}/graphql` }), subgraphTimeoutMs: 2_000 });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('returns the other subgraphs data plus an error for the missing fields', async () => {
    const response = await gql('{ patients(first: 2) { edges { node { firstName labResults { totalCount } protocols { id } } } } }', {}, { url: gateway.url, ...admin });
    expect(response.status).toBe(200);
    const nodes = response.data!.patients.edges.map((e: any) => e.node);
    expect(nodes).toHaveLength(2);
    expect(nodes.every((n: any) => typeof n.firstName === 'string' && Array.isArray(n.protocols) && n.labResults === null)).toBe(true);
    expect(response.errors?.length).toBeGreaterThan(0);
    expect(response.errors![0]).toMatchObject({ message: 'The labs service is unavailable', extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'labs' } });
  });

  it('reports not ready, naming the subgraph that does not answer', async () => {
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(ready.status).toBe(503);
    const report = await ready.json();
    expect(report.status).toBe('unavailable');
    expect(Object.entries(report.dependencies).filter(([, state]) => state === 'down')).toEqual([['labs', 'down']]);
  });
});

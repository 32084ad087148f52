// SUBGRAPH_TRANSPORT=auto (the default): the stack's gateway calls the subgraphs of its own
// process without HTTP (shared/server/in-process.ts), through each subgraph's own server. What
// a client gets, what the rules refuse and what the audit records are the same as over HTTP: a
// gateway of the test's own, in another process, reaches the same subgraphs over HTTP and answers
// the same.
import type { RunningServer } from '../shared/server/listen';
import { auditRowsOfRequest, type AuditRow } from './support/audit';
import { authHeaders, seededPatientId } from './support/auth';
import { codes, gatewayUrl, gql } from './support/graphql';
import { startTestGateway } from './support/gateway';
import { lastWeek, operation } from './support/operations';

/** The stack gateway's fetches so far, by subgraph and transport. */
async function fetchesByTransport(url = gatewayUrl()): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const [, service, transport, value] of text.matchAll(/^gateway_subgraph_fetches_total\{service="(\w+)",transport="([\w-]+)"\} (\d+)/gm)) counts[`${service} ${transport}`] = Number(value);
  return counts;
}

const delta = (before: Record<string, number>, after: Record<string, number>) =>
  Object.fromEntries(Object.keys(after).filter((key) => after[key] !== (before[key] ?? 0)).map((key) => [key, after[key] - (before[key] ?? 0)]));

const sorted = (rows: AuditRow[]) => rows.map((row) => `${row.service} ${row.resource} ${row.action} ${row.patientId}`).sort();

let overHttp: RunningServer;
let admin: Record<string, string>;
beforeAll(async () => {
  overHttp = await startTestGateway();
  admin = await authHeaders('admin');
});
afterAll(async () => {
  await overHttp.stop();
});

describe('subgraphs called in the gateway’s own process', () => {
  it('answers the dashboard from every subgraph in-process, as a gateway over HTTP answers it, with the same audit rows', async () => {
    const variables = { first: 5, ...lastWeek() };
    const before = await fetchesByTransport();
    const local = await gql(operation('dashboard'), variables, { headers: admin });
    const fetched = delta(before, await fetchesByTransport());
    expect(local.errors ?? []).toEqual([]);
    expect(local.data!.patients.edges).toHaveLength(5);
    // The dashboard's plan: the patients, then labs, protocols, wearables and luna side by side (and
    // content when protocols' copy of the catalog is read again); nothing over HTTP.
    expect(Object.keys(fetched).filter((key) => !key.endsWith(' in-process'))).toEqual([]);
    expect(fetched).toMatchObject({ 'patient in-process': 1, 'labs in-process': 1, 'protocols in-process': 1, 'wearables in-process': 1, 'luna in-process': 1 });

    const remote = await gql(operation('dashboard'), variables, { url: overHttp.url, headers: admin });
    expect(remote.errors ?? []).toEqual([]);
    expect(remote.data).toEqual(local.data);
    expect(await fetchesByTransport(overHttp.url)).toMatchObject({ 'patient http': 1, 'labs http': 1 });

    // Audit rows by the gateway's id of each request: one per patient and PHI resource read, plus the list.
    const localRows = await auditRowsOfRequest(local.headers.get('x-request-id')!, admin);
    expect(localRows.length).toBe(5 * 5 + 1);
    expect(sorted(localRows)).toEqual(sorted(await auditRowsOfRequest(remote.headers.get('x-request-id')!, admin)));
  });

  it("keeps each subgraph's own rules: another patient's record is refused in-process as over HTTP", async () => {
    const customer = await authHeaders('customer', { patientIndex: 1 });
    const query = 'query($id: ID!) { labResults(patientId: $id, first: 1) { edges { node { id } } } }';
    const variables = { id: seededPatientId(2) };
    const before = await fetchesByTransport();
    const local = await gql(query, variables, { headers: customer });
    expect(Object.keys(delta(before, await fetchesByTransport())).every((key) => key.endsWith('in-process'))).toBe(true);
    expect(codes(local)).toEqual(['FORBIDDEN']);
    const remote = await gql(query, variables, { url: overHttp.url, headers: customer });
    expect({ data: local.data, errors: codes(local) }).toEqual({ data: remote.data, errors: codes(remote) });
  });
});

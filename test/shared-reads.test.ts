// Shared reads, through real gateways and the stack's subgraphs: identical queries of one
// credential in flight at once share one execution, each answered the same and audited under its
// own request id; other credentials and mutations never share. The stack's gateway calls its
// subgraphs in its process, as by default: on the embedded database it joins a running execution
// (gateway/shared-reads.ts), on PostgreSQL it gathers what arrives while one runs into the next
// (gateway/gathered-reads.ts), its in-process subgraphs handing every request's rows to one audit
// statement. A gateway of this test's own reaches them over HTTP and gathers, its fetches naming
// every request for the subgraphs' audit.
import type { RunningServer } from '../shared/server/listen';
import { auditRowsOfRequest, type AuditRow } from './support/audit';
import { authHeaders, seededPatientId } from './support/auth';
import { startTestGateway } from './support/gateway';
import { codes, gatewayUrl, gql } from './support/graphql';
import { metricTotal } from './support/metrics';
import { lastWeek, operation } from './support/operations';

const sorted = (rows: AuditRow[]) => rows.map((row) => `${row.service} ${row.resource} ${row.action} ${row.patientId}`).sort();

let overHttp: RunningServer;
beforeAll(async () => {
  overHttp = await startTestGateway({ sharedReads: 'gather' });
});
afterAll(async () => {
  await overHttp.stop();
});

const stackJoins = !process.env.DATABASE_URL;

describe.each([
  { mode: `${stackJoins ? 'joined' : 'gathered'}, subgraphs in the process`, url: () => gatewayUrl(), joined: stackJoins },
  { mode: 'gathered, subgraphs over HTTP', url: () => overHttp.url, joined: false },
])('shared reads ($mode)', ({ url, joined }) => {
  const sharedSoFar = () => metricTotal(url(), 'gateway_shared_reads_total', { outcome: 'shared' });
  const waitsSoFar = () => metricTotal(url(), 'gateway_shared_reads_total');
  const patientFetchesSoFar = () => metricTotal(url(), 'gateway_subgraph_fetches_total', { service: 'patient' });

  it('answers identical dashboards in flight from one execution, each audited under its own request id', async () => {
    const admin = await authHeaders('admin');
    const variables = { first: 5, ...lastWeek() };
    const alone = await gql(operation('dashboard'), variables, { url: url(), headers: admin });
    expect(alone.errors ?? []).toEqual([]);
    const aloneRows = sorted(await auditRowsOfRequest(alone.headers.get('x-request-id')!, admin));
    expect(aloneRows).toHaveLength(5 * 5 + 1);

    const [sharedBefore, fetchesBefore] = [await sharedSoFar(), await patientFetchesSoFar()];
    const answers = await Promise.all(Array.from({ length: 8 }, () => gql(operation('dashboard'), variables, { url: url(), headers: admin })));
    const shared = (await sharedSoFar()) - sharedBefore;
    // Eight requests sent at once over eight connections: most arrive while the first is running.
    expect(shared).toBeGreaterThan(0);
    // Each execution fetches the patient list once. A request that joined made no fetch; requests
    // gathered made one together (each group has two or more).
    const fetched = (await patientFetchesSoFar()) - fetchesBefore;
    if (joined) expect(fetched).toBe(8 - shared);
    else expect(fetched).toBeLessThanOrEqual(8 - shared / 2);
    const requestIds = new Set(answers.map((answer) => answer.headers.get('x-request-id')));
    expect(requestIds.size).toBe(8);
    for (const answer of answers) {
      expect(answer.errors ?? []).toEqual([]);
      expect(answer.data).toEqual(alone.data);
      expect(sorted(await auditRowsOfRequest(answer.headers.get('x-request-id')!, admin))).toEqual(aloneRows);
    }
  });

  it("never shares between credentials: a patient asking for another's record at the same moment as its owner is refused", async () => {
    const [owner, other] = [await authHeaders('customer', { patientIndex: 1 }), await authHeaders('customer', { patientIndex: 2 })];
    const query = 'query Record($id: ID!) { patient(id: $id) { id firstName } }';
    const variables = { id: seededPatientId(1) };
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => gql(query, variables, { url: url(), headers: i % 2 ? other : owner })));
    answers.forEach((answer, i) => {
      if (i % 2) {
        expect(codes(answer)).toEqual(['FORBIDDEN']);
        expect(answer.data?.patient ?? null).toBeNull();
      } else {
        expect(answer.errors ?? []).toEqual([]);
        expect(answer.data!.patient.id).toBe(seededPatientId(1));
      }
    });
  });

  it('never shares a mutation: identical ones at once each run', async () => {
    const customer = await authHeaders('customer', { patientIndex: 3 });
    const mutation = 'mutation($id: ID!, $input: UpdatePatientProfileInput!) { updatePatientProfile(id: $id, input: $input) { id medications } }';
    const variables = { id: seededPatientId(3), input: { medications: ['shared-reads'] } };
    const [waitsBefore, fetchesBefore] = [await waitsSoFar(), await patientFetchesSoFar()];
    const answers = await Promise.all(Array.from({ length: 4 }, () => gql(mutation, variables, { url: url(), headers: customer })));
    for (const answer of answers) expect(answer.data!.updatePatientProfile.medications).toEqual(['shared-reads']);
    // Not even waiting (to then run alone, as a read that wrote would).
    expect((await waitsSoFar()) - waitsBefore).toBe(0);
    expect((await patientFetchesSoFar()) - fetchesBefore).toBe(4);
  });
});

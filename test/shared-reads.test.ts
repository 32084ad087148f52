// Shared reads (gateway/shared-reads.ts), through the stack's gateway and its in-process
// subgraphs: identical queries of one credential in flight at once share one execution, each
// answered the same and audited under its own request id; other credentials never share it.
import { auditRowsOfRequest, type AuditRow } from './support/audit';
import { authHeaders, seededPatientId } from './support/auth';
import { codes, gatewayUrl, gql } from './support/graphql';
import { metricTotal } from './support/metrics';
import { lastWeek, operation } from './support/operations';

const sharedSoFar = () => metricTotal(gatewayUrl(), 'gateway_shared_reads_total', { outcome: 'shared' });
const joinsSoFar = () => metricTotal(gatewayUrl(), 'gateway_shared_reads_total');
const patientFetchesSoFar = () => metricTotal(gatewayUrl(), 'gateway_subgraph_fetches_total', { service: 'patient' });
const sorted = (rows: AuditRow[]) => rows.map((row) => `${row.service} ${row.resource} ${row.action} ${row.patientId}`).sort();

describe('shared reads', () => {
  it('answers identical dashboards in flight from one execution, each audited under its own request id', async () => {
    const admin = await authHeaders('admin');
    const variables = { first: 5, ...lastWeek() };
    const alone = await gql(operation('dashboard'), variables, { headers: admin });
    expect(alone.errors ?? []).toEqual([]);
    const aloneRows = sorted(await auditRowsOfRequest(alone.headers.get('x-request-id')!, admin));
    expect(aloneRows).toHaveLength(5 * 5 + 1);

    const [sharedBefore, fetchesBefore] = [await sharedSoFar(), await patientFetchesSoFar()];
    const answers = await Promise.all(Array.from({ length: 8 }, () => gql(operation('dashboard'), variables, { headers: admin })));
    const shared = (await sharedSoFar()) - sharedBefore;
    // Eight requests sent at once over eight connections: most arrive while the first is running.
    expect(shared).toBeGreaterThan(0);
    // Each execution fetches the patient list once; a request that joined made no fetch.
    expect((await patientFetchesSoFar()) - fetchesBefore).toBe(8 - shared);
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
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => gql(query, variables, { headers: i % 2 ? other : owner })));
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
    const [joinsBefore, fetchesBefore] = [await joinsSoFar(), await patientFetchesSoFar()];
    const answers = await Promise.all(Array.from({ length: 4 }, () => gql(mutation, variables, { headers: customer })));
    for (const answer of answers) expect(answer.data!.updatePatientProfile.medications).toEqual(['shared-reads']);
    // Not even joined (to then run alone, as a read that wrote would).
    expect((await joinsSoFar()) - joinsBefore).toBe(0);
    expect((await patientFetchesSoFar()) - fetchesBefore).toBe(4);
  });
});

// The dashboard's lists are read past Prisma's model layer (ReadSql: lab results, protocols and
// their items, conversation counts, readings, daily stats), while a record read by its id still
// goes through Prisma. Both must answer the same: the same columns, dates as the same instants,
// DATE columns as the same days, enums and JSON alike. Each list is compared with the records read
// one by one, through the gateway, for the seeded patients.
import { authHeaders } from './support/auth';
import { clientWith } from './support/graphql';

let headers: Record<string, string>;
beforeAll(async () => {
  headers = await authHeaders('admin');
});
const { data } = clientWith(() => headers);

const PROTOCOL = 'id name goal status startDate endDate notes createdBy createdAt updatedAt patient { id }';
const LAB_RESULT = 'id source labName fileName collectedAt reportedAt createdAt patient { id }';
const PATIENTS = 20;

async function listed(): Promise<any[]> {
  const query = `{ patients(first: ${PATIENTS}) { edges { node { id protocols { ${PROTOCOL} } labResults(first: 50) { edges { node { ${LAB_RESULT} } } }
    conversations(first: 100) { totalCount edges { node { id } } } } } } }`;
  return (await data(query)).patients.edges.map((edge: any) => edge.node);
}

describe('a list read past Prisma', () => {
  let patients: any[];
  beforeAll(async () => {
    patients = await listed();
    expect(patients).toHaveLength(PATIENTS);
  });

  it('answers each protocol as the protocol read by its id does, days and instants alike', async () => {
    const protocols = patients.flatMap((patient) => patient.protocols);
    expect(protocols.length).toBeGreaterThan(0);
    expect(protocols.some((protocol) => protocol.startDate !== null)).toBe(true);
    for (const protocol of protocols) {
      expect((await data(`query($id: ID!) { protocol(id: $id) { ${PROTOCOL} } }`, { id: protocol.id })).protocol).toEqual(protocol);
    }
  });

  it('answers each lab result as the result read by its id does', async () => {
    const results = patients.flatMap((patient) => patient.labResults.edges.map((edge: any) => edge.node));
    expect(results.length).toBeGreaterThan(0);
    for (const result of results) {
      expect((await data(`query($id: ID!) { labResult(id: $id) { ${LAB_RESULT} } }`, { id: result.id })).labResult).toEqual(result);
    }
  });

  it('counts each patient\'s conversations as many as their pages hold', () => {
    expect(patients.some((patient) => patient.conversations.totalCount > 0)).toBe(true);
    for (const patient of patients) expect(patient.conversations.totalCount).toBe(patient.conversations.edges.length);
  });
});

// The dashboard's lists are read past Prisma's model layer (ReadSql: the patient list and
// profiles, memberships, lab results, protocols and their items, conversation counts, readings,
// daily stats), while other reads and every write still go through Prisma. Both must answer the
// same: the same columns, dates as the same instants, DATE columns as the same days, enums, arrays
// and JSON alike. Each list is compared with the records read one by one through Prisma, through
// the gateway, for the seeded patients; a profile with the one Prisma returns from an update.
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

const PROFILE = 'id firstName lastName email phone dateOfBirth age sex timezone conditions medications allergies heightCm weightKg createdAt updatedAt';

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

  it('answers a profile as Prisma answers it after an update, and lists and searches the patients as before', async () => {
    const patient = patients[PATIENTS - 1];
    const current = (await data(`query($id: ID!) { patient(id: $id) { ${PROFILE} } }`, { id: patient.id })).patient;
    const updated = (await data(`mutation($id: ID!, $input: UpdatePatientProfileInput!) { updatePatientProfile(id: $id, input: $input) { ${PROFILE} } }`, {
      id: patient.id,
      input: { timezone: current.timezone },
    })).updatePatientProfile;
    expect(updated).toEqual({ ...current, updatedAt: updated.updatedAt });
    expect((await data(`query($id: ID!) { patient(id: $id) { ${PROFILE} } }`, { id: patient.id })).patient).toEqual(updated);
    const found = (await data('query($s: String) { patients(first: 100, search: $s) { totalCount edges { node { id lastName } } } }', { s: current.lastName.toUpperCase() })).patients;
    expect(found.edges.map((edge: any) => edge.node.id)).toContain(patient.id);
    expect(found.totalCount).toBe(found.edges.length);
    const wildcard = (await data('{ patients(first: 5, search: "%") { totalCount edges { node { id } } } }')).patients;
    expect(wildcard).toEqual({ totalCount: 0, edges: [] });
  });

  it('pages the patient list after a cursor, newest first, with no patient twice', async () => {
    const page = async (after: string | null) =>
      (await data('query($after: String) { patients(first: 7, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id createdAt } } } }', { after })).patients;
    const seen: { id: string; createdAt: string }[] = [];
    let current = await page(null);
    for (;;) {
      seen.push(...current.edges.map((edge: any) => edge.node));
      if (!current.pageInfo.hasNextPage) break;
      current = await page(current.pageInfo.endCursor);
    }
    expect(seen).toHaveLength(current.totalCount);
    expect(new Set(seen.map((node) => node.id)).size).toBe(seen.length);
    const order = seen.map((node) => node.createdAt);
    expect(order).toEqual([...order].sort().reverse());
  });

  it('answers each patient\'s memberships, latest first, with the current one first', async () => {
    const { patient } = await data('query($id: ID!) { patient(id: $id) { membership { id plan status priceCents currency startedAt currentPeriodEnd canceledAt } memberships { id startedAt } } }', { id: patients[0].id });
    const starts = patient.memberships.map((membership: any) => membership.startedAt);
    expect(starts).toEqual([...starts].sort().reverse());
    if (patient.memberships.length) expect(patient.membership.id).toBe(patient.memberships[0].id);
  });
});

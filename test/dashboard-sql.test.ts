// What the dashboard query (clients/operations/dashboard.graphql: 50 patients with labs, health
// score, protocols and their peptides, wearable stats, conversations) costs in SQL, per subgraph,
// so it cannot creep back: each subgraph counts the statements its requests send
// (service_sql_statements_total on its own /metrics). The audit rows, one per distinct (patient,
// resource, action, decision) of the whole request, are one statement the gateway sends for every
// subgraph of its process (gateway/audit-batch.ts; test/audit-fail-closed.test.ts checks it is one),
// so no subgraph spends one.
import { auditRowsOfRequest } from './support/audit';
import { authHeaders } from './support/auth';
import { gql, stackSubgraphBase } from './support/graphql';
import { lastWeek, operation } from './support/operations';

const SUBGRAPHS = ['patient', 'labs', 'protocols', 'wearables', 'content', 'luna'] as const;

/**
 * Statements per subgraph for one dashboard request. labs is asked once (labResults and
 * healthScore, whose wearables part is labs' own copy): results, readings, the score's latest
 * readings and the stored wearables parts. content is not asked by
 * the plan (protocols provide peptide names): it is reached only when protocols' copy of the
 * catalog rules has expired (60 s) and is read again, in one batched read of three statements,
 * so a request spends 3 or 0 there depending on the clock.
 */
const BUDGET: Record<(typeof SUBGRAPHS)[number], number> = { patient: 2, labs: 4, protocols: 2, wearables: 2, content: 3, luna: 1 };
/** Subgraphs whose spending does not depend on a cache's age: the same for 10 patients as for 50. */
const CONSTANT = SUBGRAPHS.filter((name) => name !== 'content');
/** PHI resources the dashboard reads per patient (profile, lab_results, protocols, wearables, conversations), plus the list itself. */
const AUDIT_ROWS = (patients: number) => patients * 5 + 1;

async function statements(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const name of SUBGRAPHS) {
    const text = await (await fetch(`${stackSubgraphBase(name)}/metrics`)).text();
    counts[name] = Number(text.match(/^service_sql_statements_total\{[^}]*\} (\d+)/m)?.[1] ?? 0);
  }
  return counts;
}

let admin: Record<string, string>;
beforeAll(async () => {
  admin = await authHeaders('admin');
});

async function dashboard(first: number) {
  const before = await statements();
  const response = await gql(operation('dashboard'), { first, ...lastWeek() }, { headers: admin });
  expect(response.errors ?? []).toEqual([]);
  const after = await statements();
  const spent = Object.fromEntries(SUBGRAPHS.map((name) => [name, after[name] - before[name]]));
  return { response, spent };
}

describe('the dashboard query', () => {
  it('sends at most its budget of SQL statements to each subgraph, for 10 patients as for 50', async () => {
    // Warm-up: first-use work (caches, catalogs: protocols' copy of every listed peptide's rules and name) is not the request's.
    await dashboard(50);
    const ten = await dashboard(10);
    const fifty = await dashboard(50);
    expect(fifty.response.data!.patients.edges).toHaveLength(50);
    const pick = (spent: Record<string, number>) => Object.fromEntries(CONSTANT.map((name) => [name, spent[name]]));
    expect(pick(fifty.spent)).toEqual(pick(ten.spent));
    const over = SUBGRAPHS.filter((name) => fifty.spent[name] > BUDGET[name]).map((name) => `${name}: ${fifty.spent[name]} > ${BUDGET[name]}`);
    expect(over).toEqual([]);
    expect(fifty.spent.labs).toBeGreaterThan(0);
  });

  it('audits each patient once per resource read, however many fetches reached it', async () => {
    const { response } = await dashboard(50);
    const requestId = response.headers.get('x-request-id')!;
    const rows = await auditRowsOfRequest(requestId, admin);
    expect(rows).toHaveLength(AUDIT_ROWS(50));
    expect(rows.filter((row) => row.resource === 'lab_results')).toHaveLength(50);
    expect(new Set(rows.map((row) => `${row.service}|${row.resource}|${row.patientId}`)).size).toBe(rows.length);
  });
});

// The dashboard's query plan is short: the patients, then every other subgraph's entity fetch in
// parallel and nothing after them (the health score's wearables part is labs' own copy, so its
// fetch waits for no other); a protocol's peptide names come with protocols' own fetch
// (@provides, from protocols' cached copy of the catalog), with no fetch from content; through
// the running stack the name still follows a rename at once.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'graphql';
import type { PlanNode } from '@apollo/query-planner';
import { SubscriptionPlanner } from '../gateway/subscriptions/planner';
import { SUPERGRAPH_FILE } from '../gateway/compose';
import { gql, stackSubgraphBase } from './support/graphql';
import { metricTotal } from './support/metrics';
import { authHeaders } from './support/auth';
import { ROOT } from './support/stack';

function fetchedServices(node: PlanNode | undefined, into: string[] = []): string[] {
  if (!node) return into;
  if (node.kind === 'Fetch') into.push(node.serviceName);
  else if (node.kind === 'Flatten') fetchedServices(node.node, into);
  else if (node.kind === 'Sequence' || node.kind === 'Parallel') node.nodes.forEach((child) => fetchedServices(child, into));
  return into;
}

const contentRequests = () => metricTotal(stackSubgraphBase('content'), 'graphql_request_duration_seconds_count');
const PROTOCOL_PEPTIDES = `{ patients(first: 50) { edges { node { protocols { items { peptide { id name } } } } } } }`;

function dashboardPlan(): PlanNode {
  const planner = new SubscriptionPlanner(readFileSync(SUPERGRAPH_FILE, 'utf8'));
  const source = readFileSync(path.join(ROOT, 'clients/operations/dashboard.graphql'), 'utf8');
  return planner.plan(parse(source), source, 'PatientDashboard').node as PlanNode;
}

describe('the dashboard plan', () => {
  it('fetches nothing from content: peptide names come with the protocols fetch', () => {
    const services = fetchedServices(dashboardPlan());
    expect(services).toContain('protocols');
    expect(services).not.toContain('content');
  });

  it('has no stage after the parallel entity fetches: the health score comes with labs\' one fetch', () => {
    const plan = dashboardPlan();
    // Two stages: the patient list, then one entity fetch per other subgraph, side by side.
    expect(plan.kind).toBe('Sequence');
    const [list, entities] = (plan as Extract<PlanNode, { kind: 'Sequence' }>).nodes;
    expect((plan as Extract<PlanNode, { kind: 'Sequence' }>).nodes).toHaveLength(2);
    expect(fetchedServices(list)).toEqual(['patient']);
    expect(entities.kind).toBe('Parallel');
    const branches = (entities as Extract<PlanNode, { kind: 'Parallel' }>).nodes;
    for (const branch of branches) {
      expect(branch.kind).toBe('Flatten');
      expect((branch as Extract<PlanNode, { kind: 'Flatten' }>).node.kind).toBe('Fetch');
    }
    const services = fetchedServices(entities);
    expect(new Set(services).size).toBe(services.length);
    expect(services).toEqual(expect.arrayContaining(['labs', 'wearables']));
    // Labs is asked once, for the health score too, and needs nothing from wearables for it.
    const labs = branches.map((branch) => (branch as Extract<PlanNode, { kind: 'Flatten' }>).node).find((fetch) => fetch.kind === 'Fetch' && fetch.serviceName === 'labs');
    const labsFetch = labs as Extract<PlanNode, { kind: 'Fetch' }>;
    expect(labsFetch.operation).toContain('healthScore');
    expect(JSON.stringify(labsFetch.requires ?? [])).not.toContain('wearableScore');
  });
});

describe('a protocol item\'s peptide name through the stack', () => {
  it('is served without a request to content, and follows a rename', async () => {
    const admin = await authHeaders('admin');
    const first = await gql(PROTOCOL_PEPTIDES, {}, { headers: admin });
    expect(first.errors).toBeUndefined();
    const peptide = first.data!.patients.edges.flatMap((edge: any) => edge.node.protocols ?? []).flatMap((protocol: any) => protocol.items).map((item: any) => item.peptide).find(Boolean);
    expect(peptide?.name).toEqual(expect.any(String));
    const served = await contentRequests();
    expect((await gql(PROTOCOL_PEPTIDES, {}, { headers: admin })).errors).toBeUndefined();
    expect(await contentRequests()).toBe(served);

    const renamed = `${peptide.name} (renamed)`;
    const rename = (name: string) => gql(`mutation($id: ID!, $name: String) { updatePeptide(id: $id, input: { name: $name }) { id name } }`, { id: peptide.id, name }, { headers: admin });
    expect((await rename(renamed)).errors).toBeUndefined();
    try {
      // Content announces the change (pub/sub, Redis with REDIS_URL): protocols' copy is dropped.
      let names: string[] = [];
      for (let i = 0; i < 20 && !names.includes(renamed); i++) {
        if (i) await new Promise((resolve) => setTimeout(resolve, 100));
        const after = await gql(PROTOCOL_PEPTIDES, {}, { headers: admin });
        names = after.data!.patients.edges.flatMap((edge: any) => edge.node.protocols ?? []).flatMap((protocol: any) => protocol.items).map((item: any) => item.peptide).filter((p: any) => p?.id === peptide.id).map((p: any) => p.name);
      }
      expect(names).toContain(renamed);
    } finally {
      expect((await rename(peptide.name)).errors).toBeUndefined();
    }
  });
});

// Between the gateway and a subgraph, with faults injected on the wire (a TCP proxy in front of
// the test stack's labs and content subgraphs): a query whose connection is reset is sent once
// more, a mutation never; consecutive failures open the subgraph's circuit, which then answers
// at once (partial data, an error naming the subgraph but not its address) and closes again
// after a half-open probe succeeds; its state is the gateway's gateway_subgraph_circuit_state.
import type { RunningServer } from '../shared/server/listen';
import { registry } from '../shared/metrics';
import { authHeaders } from './support/auth';
import { stackSubgraphUrls, startTestGateway } from './support/gateway';
import { gql } from './support/graphql';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';

const HALF_OPEN_AFTER_MS = 400;
const FAILURES_TO_OPEN = 4;
const FAQS = '{ faqs(first: 1) { edges { node { id } } } }';
const UNPUBLISH = 'mutation { unpublishPeptide(id: "00000000-0000-4000-8000-000000000000") { id } }';
const WITH_LABS = '{ patients(first: 2) { edges { node { firstName labResults(first: 1) { totalCount } } } } }';

let gateway: RunningServer;
let proxies: Record<'labs' | 'content', TcpProxy>;
let admin: { headers: Record<string, string> };

async function metricValue(name: string, service: string): Promise<number> {
  const metric = await registry.getSingleMetric(name)!.get();
  return metric.values.find((value) => value.labels.service === service)?.value ?? 0;
}

beforeAll(async () => {
  admin = { headers: await authHeaders('admin') };
  const base = Number(process.env.TEST_PORT_BASE);
  proxies = {
    labs: await startTcpProxy({ host: '127.0.0.1', port: base + 2 }),
    content: await startTcpProxy({ host: '127.0.0.1', port: base + 5 }),
  };
  gateway = await startTestGateway({
    subgraphUrls: stackSubgraphUrls({ labs: `http://127.0.0.1:${proxies.labs.port}/graphql`, content: `http://127.0.0.1:${proxies.content.port}/graphql` }),
    resilience: { halfOpenAfterMs: HALF_OPEN_AFTER_MS, consecutiveFailures: FAILURES_TO_OPEN },
  });
});
afterAll(async () => {
  await gateway?.stop();
  await proxies?.labs.close();
  await proxies?.content.close();
});

describe('retries between the gateway and a subgraph', () => {
  it('sends a query again, once, when its connection is reset', async () => {
    proxies.content.setMode('pass');
    proxies.content.resetNext(1);
    const retriesBefore = await metricValue('gateway_subgraph_retries_total', 'content');
    const response = await gql(FAQS, {}, { url: gateway.url, ...admin });
    expect(response.errors).toBeUndefined();
    expect(response.data?.faqs.edges).toHaveLength(1);
    expect(await metricValue('gateway_subgraph_retries_total', 'content')).toBe(retriesBefore + 1);
  });

  it('gives up on a query after that one retry, and never sends a mutation twice', async () => {
    proxies.content.setMode('reset');
    try {
      const before = proxies.content.connections();
      const query = await gql(FAQS, {}, { url: gateway.url, ...admin });
      expect(query.errors?.[0]).toMatchObject({ message: 'The content service is unavailable', extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'content' } });
      expect(proxies.content.connections() - before).toBe(2);

      const retriesBefore = await metricValue('gateway_subgraph_retries_total', 'content');
      const beforeMutation = proxies.content.connections();
      const mutation = await gql(UNPUBLISH, {}, { url: gateway.url, ...admin });
      expect(mutation.errors?.[0]).toMatchObject({ extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'content' } });
      expect(proxies.content.connections() - beforeMutation).toBe(1);
      expect(await metricValue('gateway_subgraph_retries_total', 'content')).toBe(retriesBefore);
    } finally {
      proxies.content.setMode('pass');
    }
    // A success closes the count of consecutive failures again.
    expect((await gql(FAQS, {}, { url: gateway.url, ...admin })).errors).toBeUndefined();
  });
});

describe("a subgraph's circuit breaker", () => {
  it('opens after consecutive failures, costing only that subgraph\'s fields, and closes after a successful half-open probe', async () => {
    expect(await metricValue('gateway_subgraph_circuit_state', 'labs')).toBe(0);
    proxies.labs.setMode('refuse');
    try {
      // Each query fails twice (the attempt and its retry): the circuit opens within FAILURES_TO_OPEN / 2 queries.
      for (let i = 0; i < FAILURES_TO_OPEN / 2; i++) await gql(WITH_LABS, {}, { url: gateway.url, ...admin });
      expect(await metricValue('gateway_subgraph_circuit_state', 'labs')).toBe(1);

      const before = proxies.labs.connections();
      const response = await gql(WITH_LABS, {}, { url: gateway.url, ...admin });
      // Refused at once, without trying the connection.
      expect(proxies.labs.connections()).toBe(before);
      const nodes = response.data!.patients.edges.map((edge: { node: { firstName: string; labResults: unknown } }) => edge.node);
      expect(nodes).toHaveLength(2);
      expect(nodes.every((node: { firstName: string; labResults: unknown }) => typeof node.firstName === 'string' && node.labResults === null)).toBe(true);
      expect(response.errors?.[0]).toMatchObject({ message: 'The labs service is unavailable', extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'labs' } });
      expect(JSON.stringify(response.errors)).not.toMatch(/127\.0\.0\.1|localhost|:\d{4,5}\b/);
    } finally {
      proxies.labs.setMode('pass');
    }
    await new Promise((resolve) => setTimeout(resolve, HALF_OPEN_AFTER_MS + 100));
    const healed = await gql(WITH_LABS, {}, { url: gateway.url, ...admin });
    expect(healed.errors).toBeUndefined();
    expect(healed.data!.patients.edges[0].node.labResults.totalCount).toEqual(expect.any(Number));
    expect(await metricValue('gateway_subgraph_circuit_state', 'labs')).toBe(0);
    expect(await registry.getSingleMetricAsString('gateway_subgraph_circuit_state')).toContain('gateway_subgraph_circuit_state{service="labs"} 0');
  });
});

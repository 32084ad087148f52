// /metrics on the gateway and every subgraph of the all-in-one test stack: each endpoint serves
// its own series (no series twice, one process's CPU/SQL series on the gateway's), requests are
// timed by bounded operation name and outcome, errors counted by code, DataLoader batches and SQL
// statements measured.
import { loadManifest } from '../gateway/partner/persisted-operations';
import { SERVICE_NAMES } from '../shared/config';
import { authHeaders, seededPatientId } from './support/auth';
import { codes, gatewayUrl, gql, stackSubgraphBase } from './support/graphql';
import { metricTotal, scrape, total, type Sample } from './support/metrics';

const endpoints = () => [['gateway', gatewayUrl()] as const, ...SERVICE_NAMES.map((name) => [name, stackSubgraphBase(name)] as const)];
const seriesKey = (sample: Sample) => `${sample.name}{${Object.entries(sample.labels).sort().map(([k, v]) => `${k}=${v}`).join(',')}}`;

/** A manifest operation's document, by name (a name the metrics know). */
const manifestDocument = (name: string) => Object.values(loadManifest().operations).find((operation) => operation.name === name)!.document;

describe('GET /metrics', () => {
  it('is served by the gateway and every subgraph, each with its own series and none twice', async () => {
    expect((await gql('{ faqs(first: 1) { totalCount } }')).errors).toBeUndefined();
    const seen = new Map<string, string>();
    for (const [service, url] of endpoints()) {
      const { text, samples, contentType } = await scrape(url);
      expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
      // One HELP/TYPE per family, or Prometheus rejects the scrape.
      const types = text.split('\n').filter((line) => line.startsWith('# TYPE '));
      expect(new Set(types).size).toBe(types.length);
      expect(total(samples, 'graphql_request_duration_seconds_count', { service })).toBeGreaterThan(0);
      for (const sample of samples) {
        // Every labelled-by-service series is this endpoint's own (the gateway's upstream gauges name the upstream).
        if (sample.labels.service && !sample.name.startsWith('gateway_')) expect([sample.name, sample.labels.service]).toEqual([sample.name, service]);
        const key = seriesKey(sample);
        expect([key, seen.get(key)]).toEqual([key, undefined]);
        seen.set(key, service);
      }
      // The process's own series (one process runs them all here) on the gateway's endpoint only.
      const processSeries = samples.filter((sample) => sample.name.startsWith('process_') || sample.name.startsWith('db_sql_'));
      expect([service, processSeries.length > 0]).toEqual([service, service === 'gateway']);
    }
  });

  it('times requests by operation name, known names only: anything else is "other", never the name sent', async () => {
    const admin = await authHeaders('admin');
    const before = await scrape(gatewayUrl());
    const known = await gql(manifestDocument('Faqs'), { first: 1 }, { headers: admin });
    expect(known.errors).toBeUndefined();
    const invented = await gql('query Invented4711 { faqs(first: 1) { totalCount } }', {}, { headers: admin });
    expect(invented.errors).toBeUndefined();
    const after = await scrape(gatewayUrl());
    const count = (samples: Sample[], operation: string) =>
      total(samples, 'graphql_request_duration_seconds_count', { service: 'gateway', operation, operation_type: 'query', outcome: 'ok' });
    expect(count(after.samples, 'Faqs') - count(before.samples, 'Faqs')).toBe(1);
    expect(count(after.samples, 'other') - count(before.samples, 'other')).toBe(1);
    expect(after.text).not.toContain('Invented4711');
    // The subgraph labels it with the client's name too (forwarded by the gateway).
    expect(await metricTotal(stackSubgraphBase('content'), 'graphql_request_duration_seconds_count', { operation: 'Faqs' })).toBeGreaterThan(0);
  });

  it('counts errors by code where they arise and where the client sees them, tokens refused before planning included', async () => {
    const customer = await authHeaders('customer', { patientIndex: 1 });
    const errorsAt = async (url: string, code: string) => metricTotal(url, 'graphql_errors_total', { code });
    const [gatewayBefore, patientBefore, refusedBefore] = [await errorsAt(gatewayUrl(), 'FORBIDDEN'), await errorsAt(stackSubgraphBase('patient'), 'FORBIDDEN'), await errorsAt(gatewayUrl(), 'UNAUTHENTICATED')];
    const forbidden = await gql('query($id: ID!) { patient(id: $id) { firstName } }', { id: seededPatientId(2) }, { headers: customer });
    expect(codes(forbidden)).toEqual(['FORBIDDEN']);
    const refused = await gql('{ faqs(first: 1) { totalCount } }', {}, { headers: { authorization: 'Bearer not.a.token' } });
    expect(refused.status).toBe(401);
    expect(await errorsAt(gatewayUrl(), 'FORBIDDEN')).toBe(gatewayBefore + 1);
    expect(await errorsAt(stackSubgraphBase('patient'), 'FORBIDDEN')).toBe(patientBefore + 1);
    expect(await errorsAt(gatewayUrl(), 'UNAUTHENTICATED')).toBe(refusedBefore + 1);
    const outcome = await metricTotal(gatewayUrl(), 'graphql_request_duration_seconds_count', { service: 'gateway', outcome: 'error' });
    expect(outcome).toBeGreaterThan(0);
  });

  it('measures DataLoader batches: one batch of every parent asked in a tick', async () => {
    const admin = await authHeaders('admin');
    const labs = stackSubgraphBase('labs');
    const labels = { service: 'labs', loader: 'labResultsByPatient' };
    const [countBefore, keysBefore] = [await metricTotal(labs, 'dataloader_batch_size_count', labels), await metricTotal(labs, 'dataloader_batch_size_sum', labels)];
    const response = await gql('{ patients(first: 7) { edges { node { labResults(first: 1) { totalCount } } } } }', {}, { headers: admin });
    expect(response.errors).toBeUndefined();
    expect(await metricTotal(labs, 'dataloader_batch_size_count', labels)).toBe(countBefore + 1);
    expect(await metricTotal(labs, 'dataloader_batch_size_sum', labels)).toBe(keysBefore + 7);
  });

  it('times every SQL statement it counts', async () => {
    const { samples } = await scrape(gatewayUrl());
    const statements = total(samples, 'db_sql_statements_total');
    const timed = total(samples, 'db_sql_duration_seconds_count');
    expect(statements).toBeGreaterThan(0);
    expect(timed).toBe(statements);
    expect(total(samples, 'db_sql_duration_seconds_count', { statement: 'query', outcome: 'ok' })).toBeGreaterThan(0);
  });
});

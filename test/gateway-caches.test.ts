// The gateway's caches, seen from outside through the running stack: an operation is planned
// once and its plan reused (gateway/plan-cache.ts); an anonymous public-content query is
// answered from the response cache without any subgraph request, never a signed-in caller's
// or one touching another subgraph, and a content mutation empties it (gateway/response-cache).
import { randomUUID } from 'node:crypto';
import { gatewayUrl, gql, stackSubgraphBase } from './support/graphql';
import { metricTotal } from './support/metrics';
import { authHeaders } from './support/auth';

const base = () => gatewayUrl().replace(/\/graphql$/, '');
const planLookups = (result: 'hit' | 'miss') => metricTotal(base(), 'gateway_query_plan_cache_lookups_total', { result });
/** Requests the content subgraph has served (its own /metrics). */
const contentRequests = () => metricTotal(stackSubgraphBase('content'), 'graphql_request_duration_seconds_count');
const unique = () => randomUUID().replace(/-/g, '');

describe('the query-plan cache', () => {
  it('plans an operation once: the same text and name again is a hit, a new text a miss', async () => {
    // A name of its own: no other test has planned this operation before.
    const name = `PlanCacheProbe_${unique()}`;
    const query = `query ${name} { peptides(first: 1) { edges { node { id name } } } }`;
    // Signed in: the response cache for anonymous reads must not answer before planning.
    const headers = await authHeaders('staff');
    const [hits0, misses0] = [await planLookups('hit'), await planLookups('miss')];
    expect((await gql(query, {}, { headers })).errors).toBeUndefined();
    const [hits1, misses1] = [await planLookups('hit'), await planLookups('miss')];
    expect(misses1 - misses0).toBe(1);
    expect(hits1 - hits0).toBe(0);
    expect((await gql(query, {}, { headers })).errors).toBeUndefined();
    expect((await gql(query, {}, { headers })).errors).toBeUndefined();
    expect(await planLookups('hit')).toBe(hits1 + 2);
    expect(await planLookups('miss')).toBe(misses1);
  });
});

describe('the response cache', () => {
  const catalog = (name: string) => `query ${name} { peptides(first: 3) { edges { node { id name slug } } } faqs(first: 2) { edges { node { id question } } } }`;

  it('answers an anonymous public-content query a second time without any subgraph request', async () => {
    const query = catalog(`CachedCatalog_${unique()}`);
    const first = await gql(query);
    expect(first.errors).toBeUndefined();
    expect(first.headers.get('x-response-cache')).toBe('MISS');
    const served = await contentRequests();
    const second = await gql(query);
    expect(second.headers.get('x-response-cache')).toBe('HIT');
    expect(second.data).toEqual(first.data);
    expect(second.headers.get('x-request-id')).toBeTruthy();
    expect(await contentRequests()).toBe(served);
  });

  it('never answers a signed-in caller from it', async () => {
    const query = catalog(`SignedInCatalog_${unique()}`);
    const headers = await authHeaders('customer');
    expect((await gql(query)).headers.get('x-response-cache')).toBe('MISS');
    const served = await contentRequests();
    const signedIn = await gql(query, {}, { headers });
    expect(signedIn.errors).toBeUndefined();
    expect(signedIn.headers.get('x-response-cache')).toBeNull();
    expect(await contentRequests()).toBe(served + 1);
  });

  it('leaves alone a query that reaches another subgraph, and mutations', async () => {
    const query = `query Mixed_${unique()} { peptides(first: 1) { edges { node { id } } } me { id } }`;
    for (let i = 0; i < 2; i++) expect((await gql(query)).headers.get('x-response-cache')).toBeNull();
    const mutation = await gql(`mutation { createFaq(input: { question: "q", answer: "a", category: "c" }) { id } }`);
    expect(mutation.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(mutation.headers.get('x-response-cache')).toBeNull();
  });

  it('is emptied by a content mutation: the next anonymous read sees the change', async () => {
    const category = `cache-${unique()}`;
    const query = `query FaqsOf($category: String) { faqs(category: $category) { edges { node { question } } } }`;
    const before = await gql(query, { category });
    expect(before.data?.faqs.edges).toEqual([]);
    expect((await gql(query, { category })).headers.get('x-response-cache')).toBe('HIT');
    const admin = await authHeaders('admin');
    const created = await gql(`mutation($input: FaqInput!) { createFaq(input: $input) { id } }`, { input: { question: 'Is this cached?', answer: 'Not for long.', category } }, { headers: admin });
    expect(created.errors).toBeUndefined();
    const published = await gql(`mutation($id: ID!) { publishFaq(id: $id) { id } }`, { id: created.data?.createFaq.id }, { headers: admin });
    expect(published.errors).toBeUndefined();
    // The change event goes through the process's pub/sub (Redis with REDIS_URL): give it a moment.
    let after = await gql(query, { category });
    for (let i = 0; i < 20 && after.data?.faqs.edges.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await gql(query, { category });
    }
    expect(after.data?.faqs.edges).toEqual([{ node: { question: 'Is this cached?' } }]);
  });
});

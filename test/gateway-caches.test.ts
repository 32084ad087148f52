// The gateway's caches, seen from outside through the running stack: an operation is planned
// once and its plan reused (gateway/plan-cache.ts).
import { randomUUID } from 'node:crypto';
import { gatewayUrl, gql } from './support/graphql';
import { metricTotal } from './support/metrics';
import { authHeaders } from './support/auth';

const base = () => gatewayUrl().replace(/\/graphql$/, '');
const planLookups = (result: 'hit' | 'miss') => metricTotal(base(), 'gateway_query_plan_cache_lookups_total', { result });

describe('the query-plan cache', () => {
  it('plans an operation once: the same text and name again is a hit, a new text a miss', async () => {
    // A name of its own: no other test has planned this operation before.
    const name = `PlanCacheProbe_${randomUUID().replace(/-/g, '')}`;
    const query = `query ${name} { peptides(first: 1) { edges { node { id name } } } }`;
    // Signed in: a response cache for anonymous reads must not answer before planning.
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

// The gateway's query-plan cache. @apollo/gateway already plans each operation once and keeps
// the plan in an LRU keyed by the operation's hash and name (its queryPlanStore); this module
// gives it that same LRU explicitly, with a size of our choosing and hit/miss counters on
// /metrics, so "planned once per operation" is something a test and an operator can see.
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import type { QueryPlan, QueryPlanCache } from '@apollo/query-planner';
import { counter, perService } from '../shared/observability/service-metrics';

export interface PlanCacheOptions {
  /** Approximate bytes of plans kept (DEFAULT_PLAN_CACHE_BYTES, @apollo/gateway's own default). */
  maxBytes?: number;
  /** Whose /metrics counts the hits and misses (default 'gateway'). */
  service?: string;
}

/** 30 MiB: what @apollo/gateway keeps when left to itself. */
export const DEFAULT_PLAN_CACHE_BYTES = 30 * 2 ** 20;

const metrics = perService((registry) => ({
  lookups: counter(registry, 'gateway_query_plan_cache_lookups_total', 'Query-plan cache lookups by result (hit: the operation was planned before)', ['result']),
}));

/** A plan's size for the LRU: its JSON length is a fair proxy (plans are plain data). */
const sizeOf = (plan: QueryPlan) => JSON.stringify(plan).length;

export function planCache(options: PlanCacheOptions = {}): QueryPlanCache {
  const lru = new InMemoryLRUCache<QueryPlan>({ maxSize: options.maxBytes ?? DEFAULT_PLAN_CACHE_BYTES, sizeCalculation: sizeOf });
  const { lookups } = metrics(options.service ?? 'gateway');
  return {
    async get(key) {
      const plan = await lru.get(key);
      lookups.inc({ result: plan ? 'hit' : 'miss' });
      return plan;
    },
    set: (key, value, setOptions) => lru.set(key, value, setOptions),
    delete: (key) => lru.delete(key),
    // The gateway empties it when the supergraph changes: old plans name old subgraphs.
    clear: () => lru.clear(),
  };
}

// The federation query planner over the supergraph, with its plans cached per operation text and
// name. The gateway's own executors use it: subscriptions (subscriptions/planner.ts) and @defer
// (defer/planner.ts, with incremental delivery on); @apollo/gateway plans the rest itself.
import { Supergraph, operationFromDocument, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type QueryPlan } from '@apollo/query-planner';
import type { DocumentNode, GraphQLSchema } from 'graphql';

/** Distinct operations whose plans one planner keeps (the oldest goes first). */
export const PLAN_CACHE_SIZE = 500;

export interface CachedPlannerOptions {
  /** Plan @defer fragments as Defer nodes (off: @defer is ignored by the plan, its fields fetched with the rest). */
  defer?: boolean;
}

export class CachedQueryPlanner {
  readonly apiSchema: Schema;
  readonly apiGraphQLSchema: GraphQLSchema;
  readonly supergraphGraphQLSchema: GraphQLSchema;
  private readonly planner: QueryPlanner;
  private readonly plans = new Map<string, QueryPlan>();

  constructor(supergraphSdl: string, options: CachedPlannerOptions = {}) {
    const supergraph = Supergraph.build(supergraphSdl);
    this.apiSchema = supergraph.apiSchema();
    // The gateway serves @defer on every transport: operations are validated against a schema that declares it.
    this.apiGraphQLSchema = this.apiSchema.toGraphQLJSSchema({ includeDefer: true });
    this.supergraphGraphQLSchema = supergraph.schema.toGraphQLJSSchema();
    this.planner = new QueryPlanner(supergraph, options.defer ? { incrementalDelivery: { enableDefer: true } } : undefined);
  }

  /** `source` is the document's text: with the operation name, the cache key. */
  plan(document: DocumentNode, source: string, operationName: string | undefined): QueryPlan {
    const key = `${operationName ?? ''}\n${source}`;
    let plan = this.plans.get(key);
    if (!plan) {
      plan = this.planner.buildQueryPlan(operationFromDocument(this.apiSchema, document, { operationName }));
      if (this.plans.size >= PLAN_CACHE_SIZE) this.plans.delete(this.plans.keys().next().value!);
      this.plans.set(key, plan);
    }
    return plan;
  }

  get cachedPlans(): number {
    return this.plans.size;
  }
}

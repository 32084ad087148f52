// Plans operations with @defer: the federation query planner with incremental delivery on
// returns a Defer node (a primary part and one deferred part per fragment, each with the
// fetches that resolve it from the entities' keys). The gateway's own planner keeps @defer
// off (it would plan Defer nodes @apollo/gateway cannot execute); this one serves execute.ts.
// Plans are cached per operation text and name.
import { Supergraph, operationFromDocument, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type QueryPlan } from '@apollo/query-planner';
import type { DocumentNode, GraphQLSchema } from 'graphql';

/** Distinct deferred operations whose plans are kept. */
export const DEFER_PLAN_CACHE_SIZE = 500;

export class DeferPlanner {
  readonly apiSchema: Schema;
  readonly apiGraphQLSchema: GraphQLSchema;
  readonly supergraphGraphQLSchema: GraphQLSchema;
  private readonly planner: QueryPlanner;
  private readonly plans = new Map<string, QueryPlan>();

  constructor(supergraphSdl: string) {
    const supergraph = Supergraph.build(supergraphSdl);
    this.apiSchema = supergraph.apiSchema();
    this.apiGraphQLSchema = this.apiSchema.toGraphQLJSSchema({ includeDefer: true });
    this.supergraphGraphQLSchema = supergraph.schema.toGraphQLJSSchema();
    this.planner = new QueryPlanner(supergraph, { incrementalDelivery: { enableDefer: true } });
  }

  /** `key` identifies the document (its printed text and operation name). */
  plan(document: DocumentNode, key: string, operationName: string | undefined): QueryPlan {
    let plan = this.plans.get(key);
    if (!plan) {
      plan = this.planner.buildQueryPlan(operationFromDocument(this.apiSchema, document, { operationName }));
      if (this.plans.size >= DEFER_PLAN_CACHE_SIZE) this.plans.delete(this.plans.keys().next().value!);
      this.plans.set(key, plan);
    }
    return plan;
  }
}

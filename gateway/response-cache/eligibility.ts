// Which requests the response cache may answer: an anonymous caller's query (never a
// mutation or subscription) whose whole plan fetches from public services only (the content
// subgraph: the published catalog). Such an answer is the same for every anonymous caller and
// holds no PHI. The decision is made once per operation text and name, from the federation
// query planner's own plan.
import { getOperationAST, parse } from 'graphql';
import type { PlanNode } from '@apollo/query-planner';
import type { SubscriptionPlanner } from '../subscriptions/planner';

export interface EligibilityOptions {
  /** Plans operations over the served supergraph (the one the subscriptions use). */
  planner: () => SubscriptionPlanner;
  /** Subgraphs whose data is public to read (DEFAULT_PUBLIC_SERVICES). */
  publicServices?: readonly string[];
  /** Distinct operations whose decision is kept (DEFAULT_DECISIONS_KEPT). */
  decisionsKept?: number;
}

/** The content subgraph serves the published catalog to anyone (DESIGN.md: content is public to read). */
export const DEFAULT_PUBLIC_SERVICES = ['content'] as const;
export const DEFAULT_DECISIONS_KEPT = 1_000;

/** Every subgraph a plan fetches from. */
function servicesOf(node: PlanNode | undefined, into = new Set<string>()): Set<string> {
  if (!node) return into;
  switch (node.kind) {
    case 'Fetch':
      into.add(node.serviceName);
      break;
    case 'Flatten':
      servicesOf(node.node, into);
      break;
    case 'Sequence':
    case 'Parallel':
      for (const child of node.nodes) servicesOf(child, into);
      break;
    case 'Defer':
      // @defer answers are multipart streams: never cached (a service name no one is public for).
      into.add('(defer)');
      break;
    default:
      // Conditions and anything newer: not known to be public.
      into.add(`(${node.kind})`);
  }
  return into;
}

export class Eligibility {
  private readonly decisions = new Map<string, boolean>();
  private readonly publicServices: ReadonlySet<string>;

  constructor(private readonly options: EligibilityOptions) {
    this.publicServices = new Set(options.publicServices ?? DEFAULT_PUBLIC_SERVICES);
  }

  /** True when the operation is a query whose every fetch goes to a public service. */
  publicQuery(query: string, operationName: string | undefined): boolean {
    const key = `${operationName ?? ''}\n${query}`;
    let decision = this.decisions.get(key);
    if (decision === undefined) {
      decision = this.decide(query, operationName);
      if (this.decisions.size >= (this.options.decisionsKept ?? DEFAULT_DECISIONS_KEPT)) this.decisions.delete(this.decisions.keys().next().value!);
      this.decisions.set(key, decision);
    }
    return decision;
  }

  /** The supergraph changed: plans, and so decisions, may differ. */
  reset(): void {
    this.decisions.clear();
  }

  private decide(query: string, operationName: string | undefined): boolean {
    try {
      const document = parse(query);
      if (getOperationAST(document, operationName)?.operation !== 'query') return false;
      const plan = this.options.planner().plan(document, query, operationName);
      // A query's plan is a PlanNode (only subscriptions have a SubscriptionNode).
      const services = servicesOf(plan.node as PlanNode | undefined);
      return services.size > 0 && [...services].every((service) => this.publicServices.has(service));
    } catch {
      // Not valid over this supergraph: Apollo answers it with the proper error, uncached.
      return false;
    }
  }
}

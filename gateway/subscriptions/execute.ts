// Executes one client subscription through the federation: the primary fetch streams events
// from the owning subgraph (over the shared upstream socket, with the caller's token); each
// event is then completed by the gateway's own executeQueryPlan, replaying the event as the
// first fetch and running the plan's `rest` against the other subgraphs with the same token,
// so RBAC and audit apply to every event.
import { buildOperationContext, executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import type { FetchNode, PlanNode, QueryPlan } from '@apollo/query-planner';
import { GraphQLError, print, type DocumentNode, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { Logger } from '../../shared/logger';
import type { GatewayContext } from '../context';
import type { SubscriptionPlanner } from './planner';
import type { UpstreamPool } from './upstream';

const REPLAYED_EVENT = '__subscription_event__';

export interface SubscriptionRequest {
  document: DocumentNode;
  operationName?: string;
  variables: Record<string, unknown>;
  context: GatewayContext;
}

export interface SubscriptionDeps {
  planner: () => SubscriptionPlanner;
  upstream: UpstreamPool;
  serviceMap: ServiceMap;
  log: Logger;
}

function pick(variables: Record<string, unknown>, names: string[] | undefined): Record<string, unknown> {
  return Object.fromEntries((names ?? []).filter((name) => name in variables).map((name) => [name, variables[name]]));
}

/** An event the owning subgraph refused or failed: its errors, attributed to that subgraph. */
function upstreamErrors(errors: readonly GraphQLFormattedError[], serviceName: string): ExecutionResult {
  return {
    errors: errors.map(
      (error) => new GraphQLError(error.message, { path: error.path, extensions: { ...error.extensions, serviceName } }),
    ),
  };
}

/**
 * Returns the client's event stream. `return()` ends the upstream subscription at once (an
 * async generator would only notice at the next event, holding the subgraph's stream open).
 */
export interface ClientSubscription extends AsyncIterableIterator<ExecutionResult> {
  /** Ends the stream with a last result (e.g. the supergraph changed) and the upstream with it. */
  terminate(last: ExecutionResult): void;
}

export function executeSubscription(request: SubscriptionRequest, deps: SubscriptionDeps): ClientSubscription | ExecutionResult {
  const planner = deps.planner();
  const source = print(request.document);
  const plan = planner.plan(request.document, source, request.operationName);
  const node = plan.node;
  if (!node || node.kind !== 'Subscription') return { errors: [new GraphQLError('Not a subscription operation')] };
  const primary = node.primary;
  const upstream = deps.upstream.subscribe(primary.serviceName, {
    query: primary.operation,
    variables: pick(request.variables, primary.variableUsages),
    operationName: primary.operationName,
    extensions: {
      authorization: request.context.authorization,
      requestId: request.context.requestId,
      correlationId: request.context.correlationId,
      operationName: request.context.operationName,
      clientIp: request.context.clientIp,
      // A partner's credential: the subgraph checks it is the one the token names (shared/server/subscriptions.ts).
      partnerId: request.context.partnerId,
    },
  });
  const operationContext = buildOperationContext({
    schema: planner.apiGraphQLSchema,
    operationDocument: request.document,
    operationName: request.operationName,
  });
  // The event's own data stands in for the primary fetch; `rest` then runs as planned.
  const replay: FetchNode = { ...primary, serviceName: REPLAYED_EVENT };
  const eventPlan: QueryPlan = { kind: 'QueryPlan', node: node.rest ? { kind: 'Sequence', nodes: [replay, node.rest] as PlanNode[] } : replay };

  const complete = async (event: ExecutionResult): Promise<ExecutionResult> => {
    const ownErrors = (event.errors ?? []) as unknown as GraphQLFormattedError[];
    if (!event.data) return upstreamErrors(ownErrors, primary.serviceName);
    const replaySource: GraphQLDataSource = { process: async () => ({ data: event.data }) } as unknown as GraphQLDataSource;
    const requestContext = {
      request: { query: source, variables: request.variables, operationName: request.operationName },
      context: request.context,
      metrics: {},
      document: request.document,
      operationName: request.operationName ?? null,
      logger: deps.log,
      cache: undefined,
    };
    const result = await executeQueryPlan(
      eventPlan,
      { ...deps.serviceMap, [REPLAYED_EVENT]: replaySource },
      requestContext as never,
      operationContext,
      planner.supergraphGraphQLSchema,
      planner.apiSchema,
    );
    const errors = [...(upstreamErrors(ownErrors, primary.serviceName).errors ?? []), ...(result.errors ?? [])];
    return errors.length ? { data: result.data, errors } : { data: result.data };
  };

  let finished = false;
  let terminate!: (last: ExecutionResult) => void;
  const terminated = new Promise<{ last: ExecutionResult }>((resolve) => {
    terminate = (last) => resolve({ last });
  });
  const iterator: ClientSubscription = {
    terminate: (last) => terminate(last),
    async next() {
      if (finished) return { value: undefined, done: true };
      const step = await Promise.race([upstream.next(), terminated]);
      if ('last' in step) {
        finished = true;
        await upstream.return?.();
        return { value: step.last, done: false };
      }
      if (step.done) {
        finished = true;
        return { value: undefined, done: true };
      }
      return { value: await complete(step.value), done: false };
    },
    async return() {
      finished = true;
      await upstream.return?.();
      return { value: undefined, done: true };
    },
    async throw(error) {
      finished = true;
      await upstream.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return iterator;
}

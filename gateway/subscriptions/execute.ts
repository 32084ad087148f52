// Executes one client subscription through the federation: the primary fetch streams events
// from the owning subgraph (over the shared upstream socket, with the caller's token); each
// event is then completed by the gateway's own executeQueryPlan, replaying the event as the
// first fetch and running the plan's `rest` against the other subgraphs with the same token,
// so RBAC and audit apply to every event. Subscribers with the same selection, variables and
// authorization context share one upstream stream and one completion per event (fanout.ts).
import { buildOperationContext, executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import type { FetchNode, PlanNode, QueryPlan } from '@apollo/query-planner';
import { GraphQLError, print, type DocumentNode, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { Logger } from '../../shared/logger';
import type { GatewayContext } from '../context';
import type { SubscriptionPlanner } from './planner';
import type { SerializedSink } from './serialized';
import type { UpstreamPool, UpstreamRequest } from './upstream';

const REPLAYED_EVENT = '__subscription_event__';

export interface SubscriptionRequest {
  document: DocumentNode;
  operationName?: string;
  variables: Record<string, unknown>;
  context: GatewayContext;
  /** Where this subscriber's shared events may be written already serialized (serialized.ts); without it they are yielded one by one. */
  sink?: SerializedSink;
}

export interface SubscriptionDeps {
  planner: () => SubscriptionPlanner;
  upstream: UpstreamPool;
  serviceMap: ServiceMap;
  log: Logger;
  /** Groups subscribers that can share each event's resolution (fanout.ts: SubscriptionFanout). */
  fanout: { open(request: SubscriptionRequest, prepared: PreparedSubscription, deps: SubscriptionDeps): ClientSubscription };
}

/** One planned subscription operation: how to open its upstream stream and complete its events. */
export interface PreparedSubscription {
  /** The subgraph owning the root field. */
  service: string;
  /** The operation as printed: equal for equal selections, whatever the client's spacing. */
  source: string;
  /** The root fields' names (fanout.ts keeps some per subscriber). */
  rootFields: string[];
  /** The upstream subscribe message for one subscriber's context. */
  upstreamRequest(context: GatewayContext, extensions?: Record<string, unknown>): UpstreamRequest;
  /** Completes one upstream event through the rest of the plan, fetching with `context`. */
  complete(event: ExecutionResult, context: GatewayContext): Promise<ExecutionResult>;
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

/** Plans `request` (cached by the planner) and prepares its event completion; an error result when it is no subscription. */
export function prepareSubscription(request: SubscriptionRequest, deps: Pick<SubscriptionDeps, 'planner' | 'serviceMap' | 'log'>): PreparedSubscription | ExecutionResult {
  const planner = deps.planner();
  const source = print(request.document);
  const plan = planner.plan(request.document, source, request.operationName);
  const node = plan.node;
  if (!node || node.kind !== 'Subscription') return { errors: [new GraphQLError('Not a subscription operation')] };
  const primary = node.primary;
  const operationContext = buildOperationContext({
    schema: planner.apiGraphQLSchema,
    operationDocument: request.document,
    operationName: request.operationName,
  });
  // The event's own data stands in for the primary fetch; `rest` then runs as planned.
  const replay: FetchNode = { ...primary, serviceName: REPLAYED_EVENT };
  const eventPlan: QueryPlan = { kind: 'QueryPlan', node: node.rest ? { kind: 'Sequence', nodes: [replay, node.rest] as PlanNode[] } : replay };
  const rootFields = operationContext.operation.selectionSet.selections.flatMap((selection) => (selection.kind === 'Field' ? [selection.name.value] : []));

  return {
    service: primary.serviceName,
    source,
    rootFields,
    upstreamRequest: (context, extensions = {}) => ({
      query: primary.operation,
      variables: pick(request.variables, primary.variableUsages),
      operationName: primary.operationName,
      extensions: {
        authorization: context.authorization,
        requestId: context.requestId,
        correlationId: context.correlationId,
        operationName: context.operationName,
        clientIp: context.clientIp,
        // A partner's credential: the subgraph checks it is the one the token names (shared/server/subscriptions.ts).
        partnerId: context.partnerId,
        ...extensions,
      },
    }),
    async complete(event, context) {
      const ownErrors = (event.errors ?? []) as unknown as GraphQLFormattedError[];
      if (!event.data) return upstreamErrors(ownErrors, primary.serviceName);
      const replaySource: GraphQLDataSource = { process: async () => ({ data: event.data }) } as unknown as GraphQLDataSource;
      const requestContext = {
        request: { query: source, variables: request.variables, operationName: request.operationName },
        context,
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
    },
  };
}

export function executeSubscription(request: SubscriptionRequest, deps: SubscriptionDeps): ClientSubscription | ExecutionResult {
  const prepared = prepareSubscription(request, deps);
  if (!('complete' in prepared)) return prepared;
  return deps.fanout.open(request, prepared, deps);
}

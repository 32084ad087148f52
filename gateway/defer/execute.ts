// Runs an operation with @defer as parts (GraphQL incremental delivery, the `deferSpec=20220824`
// payloads Apollo Client and Router speak): the federation query planner's Defer node gives a
// primary part and, per deferred fragment, the fetches that resolve it from its entities' keys.
// The primary fetches run first (shaped with those keys kept); the initial payload is that data
// trimmed to what the client asked outside its deferred fragments. Each deferred part then runs
// its own fetches (`_entities` calls with the keys collected from the primary data, the primary
// data replayed as the plan's first fetch, as the subscriptions do), so no subgraph is asked the
// same thing twice; it is sent as `{ incremental: [{ data, path, label }], hasNext }`, one item
// per object at the fragment's path, with the errors under that path. Every fetch goes through
// the gateway's data sources with the caller's context: token, signature, RBAC and audit as ever.
// Returns null when the plan is not one this executor runs (nested or conditional @defer):
// the caller then executes the whole operation at once, which the RFC permits.
import { buildOperationContext, executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import type { DeferNode, DeferredNode, FetchNode, PlanNode, QueryPlan } from '@apollo/query-planner';
import { GraphQLError, Kind, print, type DocumentNode, type OperationDefinitionNode, type SelectionNode } from 'graphql';
import type { Logger } from '../../shared/logger';
import type { GatewayContext } from '../context';
import { applies, fragmentDefinitions, labelDefers, locate, pick, selectionsOf, shapingDocument, variablesWithDefaults, type DeferredFragment, type PickContext } from './operation';
import type { DeferPlanner } from './planner';

/** The data source that hands a deferred part the primary part's data, in place of a first fetch. */
const PRIMARY_DATA = '__defer_primary__';

export interface IncrementalItem {
  data: Record<string, unknown> | null;
  path: (string | number)[];
  label?: string;
  errors?: readonly GraphQLError[];
}

export interface InitialPart {
  data: Record<string, unknown> | null;
  errors?: readonly GraphQLError[];
  hasNext: boolean;
}

export interface SubsequentPart {
  incremental?: IncrementalItem[];
  hasNext: boolean;
}

export interface DeferredExecution {
  initial: InitialPart;
  subsequent: AsyncGenerator<SubsequentPart>;
  /** The subgraphs the plan fetches from. */
  services: string[];
}

export interface DeferRequest {
  document: DocumentNode;
  operationName?: string;
  variables?: Record<string, unknown>;
  context: GatewayContext;
}

export interface DeferDeps {
  planner: () => DeferPlanner;
  serviceMap: ServiceMap;
  log: Logger;
}

function walk(node: PlanNode | undefined, visit: (node: PlanNode) => void): void {
  if (!node) return;
  visit(node);
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      node.nodes.forEach((child) => walk(child, visit));
      break;
    case 'Flatten':
      walk(node.node, visit);
      break;
    case 'Condition':
      walk(node.ifClause, visit);
      walk(node.elseClause, visit);
      break;
    case 'Defer':
      walk(node.primary.node, visit);
      node.deferred.forEach((deferred) => walk(deferred.node, visit));
      break;
  }
}

/** The fetches a deferred part starts with, and the response path each reads its entities at. */
function entryFetches(node: PlanNode | undefined, path: string[] = [], out: { path: string[]; fetch: FetchNode }[] = []) {
  if (!node) return out;
  switch (node.kind) {
    case 'Fetch':
      out.push({ path, fetch: node });
      break;
    case 'Flatten':
      entryFetches(node.node, [...path, ...node.path.map(String).filter((step) => step !== '@')], out);
      break;
    case 'Sequence':
      entryFetches(node.nodes[0], path, out);
      break;
    case 'Parallel':
      node.nodes.forEach((child) => entryFetches(child, path, out));
      break;
    default:
      out.push({ path: ['?'], fetch: undefined as never });
  }
  return out;
}

const sameSteps = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((step, i) => step === b[i]);
const responseSteps = (queryPath: readonly string[]) => queryPath.filter((step) => !step.startsWith('...'));

/** The keys each deferred part needs from the primary data, or null when this executor cannot run the plan. */
function keysByLabel(defer: DeferNode, fragments: Map<string, DeferredFragment>): Map<string, SelectionNode[]> | null {
  const primaryFetches = new Set<string>();
  walk(defer.primary.node, (node) => {
    if (node.kind === 'Fetch' && node.id) primaryFetches.add(node.id);
    if (node.kind === 'Defer' || node.kind === 'Condition') primaryFetches.add('(unsupported)');
  });
  if (primaryFetches.has('(unsupported)')) return null;
  const keys = new Map<string, SelectionNode[]>();
  for (const deferred of defer.deferred) {
    if (!deferred.label || !fragments.has(deferred.label) || keys.has(deferred.label)) return null;
    if (!deferred.depends.every((dependency) => primaryFetches.has(dependency.id))) return null;
    let nested = false;
    walk(deferred.node, (node) => {
      if (node.kind === 'Defer' || node.kind === 'Condition') nested = true;
    });
    if (nested) return null;
    const selections: SelectionNode[] = [];
    for (const { path, fetch } of entryFetches(deferred.node)) {
      if (!fetch) return null;
      if (!fetch.requires) continue;
      if (!sameSteps(path, responseSteps(deferred.queryPath))) return null;
      selections.push(...selectionsOf(fetch.requires));
    }
    keys.set(deferred.label, selections);
  }
  return keys.size === fragments.size ? keys : null;
}

function operationOf(document: DocumentNode, operationName: string | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operationName ? operations.find((operation) => operation.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
}

const startsWith = (path: readonly (string | number)[] | undefined, prefix: readonly (string | number)[]) => !!path && prefix.every((step, i) => path[i] === step);

export async function executeDeferred(request: DeferRequest, deps: DeferDeps): Promise<DeferredExecution | null> {
  const planner = deps.planner();
  const variables = variablesWithDefaults(request.document, request.variables, planner.apiGraphQLSchema);
  const labelled = labelDefers(request.document, variables);
  if (!labelled) return null;
  let plan: QueryPlan;
  try {
    plan = planner.plan(labelled.document, print(labelled.document), request.operationName);
  } catch (error) {
    deps.log.warn({ err: error }, 'Could not plan the deferred operation: answering it whole');
    return null;
  }
  const defer = plan.node;
  if (defer?.kind !== 'Defer') return null;
  const keys = keysByLabel(defer, labelled.fragments);
  const operation = operationOf(labelled.document, request.operationName);
  if (!keys || !operation) return null;

  const services = new Set<string>();
  walk(defer, (node) => node.kind === 'Fetch' && services.add(node.serviceName));
  const pickContext: PickContext = { schema: planner.apiGraphQLSchema, fragments: fragmentDefinitions(labelled.document), variables };
  const keysOf = (label: string) => keys.get(label) ?? [];

  // A deferred fragment with no fetch of its own (fields of an object that is no entity: the
  // planner fetches them with the primary) is kept in the primary's shaping, then sent apart.
  const withPrimary = new Set(defer.deferred.filter((deferred) => !deferred.node).map((deferred) => deferred.label!));

  /** Runs `node` shaped by the document that keeps `keep`'s fragments, optionally starting from the primary data. */
  const run = async (node: PlanNode | undefined, keep: ReadonlySet<string>, primaryData?: Record<string, unknown>) => {
    const shaping = shapingDocument(labelled.document, keep, keysOf);
    const replay: FetchNode = { kind: 'Fetch', serviceName: PRIMARY_DATA, variableUsages: [], operation: '{__typename}', operationName: undefined, operationKind: 'query' as never };
    const steps = [primaryData ? replay : undefined, node].filter((step): step is PlanNode => !!step);
    const serviceMap: ServiceMap = { ...deps.serviceMap };
    if (primaryData) {
      // Each part starts from its own copy: fetches merge their results into the tree they are given.
      const copy = structuredClone(primaryData);
      serviceMap[PRIMARY_DATA] = { process: async () => ({ data: copy }) } as unknown as GraphQLDataSource;
    }
    const requestContext = {
      request: { query: print(shaping), variables: request.variables ?? {}, operationName: request.operationName },
      context: request.context,
      metrics: {},
      document: shaping,
      operationName: request.operationName ?? null,
      logger: deps.log,
      cache: undefined,
    };
    try {
      return await executeQueryPlan(
        { kind: 'QueryPlan', node: steps.length > 1 ? { kind: 'Sequence', nodes: steps } : steps[0] },
        serviceMap,
        requestContext as never,
        buildOperationContext({ schema: planner.apiGraphQLSchema, operationDocument: shaping, operationName: request.operationName }),
        planner.supergraphGraphQLSchema,
        planner.apiSchema,
      );
    } catch (error) {
      deps.log.error({ err: error }, 'A deferred part failed');
      return { data: null, errors: [new GraphQLError('The request could not be completed', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })] };
    }
  };

  const primary = await run(defer.primary.node, withPrimary);
  const primaryData = (primary.data ?? null) as Record<string, unknown> | null;
  const initialData = primaryData ? (pick(primaryData, operation.selectionSet.selections, pickContext) as Record<string, unknown>) : null;
  const hasNext = !!primaryData && defer.deferred.length > 0;
  const initial: InitialPart = { data: initialData, ...(primary.errors?.length ? { errors: primary.errors } : {}), hasNext };

  const deliver = async (deferred: DeferredNode): Promise<IncrementalItem[]> => {
    const fragment = labelled.fragments.get(deferred.label!)!;
    const result = await run(deferred.node, new Set([...withPrimary, fragment.label]), primaryData!);
    const located = locate(planner.apiGraphQLSchema, result.data, deferred.queryPath).filter(({ value }) => applies(planner.apiGraphQLSchema, fragment.typeCondition, value.__typename));
    const label = fragment.clientLabel ? { label: fragment.clientLabel } : {};
    const items: IncrementalItem[] = located.map(({ path, value }) => ({ data: pick(value, fragment.selections, pickContext) as Record<string, unknown>, path, ...label }));
    const errors = [...(result.errors ?? [])];
    for (const error of errors) {
      const owner = items.find((item) => startsWith(error.path, item.path)) ?? items[0];
      if (owner) owner.errors = [...(owner.errors ?? []), error];
    }
    if (!items.length && errors.length) items.push({ data: null, path: responseSteps(deferred.queryPath), ...label, errors });
    return items;
  };

  // The deferred parts start at once, side by side; each is sent as soon as it is complete.
  const failed = (error: unknown): IncrementalItem[] => {
    deps.log.error({ err: error }, 'A deferred part failed');
    return [{ data: null, path: [], errors: [new GraphQLError('The request could not be completed', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })] }];
  };
  const pending = new Map(hasNext ? defer.deferred.map((deferred, i) => [i, deliver(deferred).catch(failed).then((items) => ({ i, items }))] as const) : []);
  async function* subsequent(): AsyncGenerator<SubsequentPart> {
    while (pending.size) {
      const { i, items } = await Promise.race(pending.values());
      pending.delete(i);
      yield { ...(items.length ? { incremental: items } : {}), hasNext: pending.size > 0 };
    }
  }

  return { initial, subsequent: subsequent(), services: [...services] };
}

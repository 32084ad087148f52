// What one GraphQL operation would cost, measured on its document before anything runs, and
// the first limit it exceeds. Depth and aliases are counted by graphql-armor's rules, the cost
// by graphql-query-complexity (each object 1, times its list's length: `first`, or the list's
// documented maximum in list-sizes.ts); root fields and spread-out selections are counted
// here. The document has passed validation (no fragment cycles); directives per field are
// counted during validation (directivesPerFieldRule).
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isLeafType,
  isListType,
  Kind,
  validate,
  type ValidationRule,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { ErrorCode } from '../graphql/errors';
import { DEFAULT_LIST_SIZE, isConnectionEdges, LIST_SIZES, SLICING_ARGUMENT } from './list-sizes';

export const LIMIT_NAMES = ['tokens', 'selections', 'depth', 'aliases', 'rootFields', 'directivesPerField', 'lunaMessages', 'cost', 'responseBytes', 'subscriptionsPerConnection', 'subscriptionsPerPrincipal'] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

/** What each limit allows one operation (per caller tier: see tiers.ts). */
export type AllowedLimits = Record<Exclude<LimitName, 'tokens' | 'responseBytes' | 'directivesPerField' | 'subscriptionsPerConnection' | 'subscriptionsPerPrincipal'>, number>;

export interface LimitViolation {
  limit: LimitName;
  allowed: number;
  measured: number;
}

/** Root fields counted on their own: each `sendLunaMessage` starts a model turn. */
export const CAPPED_ROOT_FIELDS: Readonly<Record<string, Extract<LimitName, 'lunaMessages'>>> = { sendLunaMessage: 'lunaMessages' };

const DESCRIPTIONS: Record<LimitName, string> = {
  tokens: 'tokens in the document',
  selections: 'fields once fragments are spread out',
  depth: 'nesting depth',
  aliases: 'aliases',
  rootFields: 'root fields',
  directivesPerField: 'directives on one field',
  lunaMessages: 'Luna messages in one operation',
  cost: 'cost (objects times list sizes)',
  responseBytes: 'response size in bytes',
  subscriptionsPerConnection: 'subscriptions open on one connection',
  subscriptionsPerPrincipal: 'subscriptions open for one user or credential',
};

/** The one error an operation over a limit gets (docs/architecture.md, contract additions). */
export function operationLimitError(violation: LimitViolation, extra: Record<string, unknown> = {}): GraphQLError {
  // A cost can overflow to Infinity (a 50-level cycle of lists): report the largest exact number.
  const measured = Math.min(violation.measured, Number.MAX_SAFE_INTEGER);
  return new GraphQLError(`The operation exceeds the limit on ${DESCRIPTIONS[violation.limit]}: ${measured} where at most ${violation.allowed} is allowed`, {
    extensions: { code: ErrorCode.OPERATION_LIMIT, limit: violation.limit, allowed: violation.allowed, measured, ...extra },
  });
}

type Fragments = Map<string, FragmentDefinitionNode>;

/** Fields, inline fragments and spreads once every fragment is spread where it is used (memoized per fragment). */
function countSelections(set: SelectionSetNode | undefined, fragments: Fragments, memo: Map<string, number>): number {
  if (!set) return 0;
  let total = 0;
  for (const selection of set.selections) {
    total += 1;
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const name = selection.name.value;
      if (!memo.has(name)) memo.set(name, countSelections(fragments.get(name)?.selectionSet, fragments, memo));
      total += memo.get(name)!;
    } else total += countSelections(selection.selectionSet, fragments, memo);
  }
  return total;
}

/** The root fields (fragments at the root spread out), by name. `__typename` is free. */
function rootFieldNames(set: SelectionSetNode, fragments: Fragments, seen = new Set<string>()): string[] {
  return set.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return selection.name.value === '__typename' ? [] : [selection.name.value];
    if (selection.kind === Kind.INLINE_FRAGMENT) return rootFieldNames(selection.selectionSet, fragments, seen);
    const fragment = fragments.get(selection.name.value);
    if (!fragment || seen.has(fragment.name.value)) return [];
    return rootFieldNames(fragment.selectionSet, fragments, new Set(seen).add(fragment.name.value));
  });
}

/**
 * Directives on one field or fragment, as a validation rule: it must run with validation, whose
 * other rules would otherwise answer a flood of unknown directives with a hundred errors. The
 * plugin keeps only this error when it is there (one error, as the contract says).
 */
export function directivesPerFieldRule(max: number): ValidationRule {
  return (context) => {
    let reported = false;
    const count = (node: { directives?: readonly unknown[] }) => {
      const measured = node.directives?.length ?? 0;
      if (measured > max && !reported) {
        reported = true;
        context.reportError(operationLimitError({ limit: 'directivesPerField', allowed: max, measured }));
      }
    };
    return { Field: count, InlineFragment: count, FragmentSpread: count, FragmentDefinition: count, OperationDefinition: count };
  };
}

/** Depth and aliases as graphql-armor counts them (fragments spread out, inline fragments not a level). */
function armorCounts(schema: GraphQLSchema, document: DocumentNode): { depth: number; aliases: number } {
  const counts = { depth: 0, aliases: 0 };
  const record = (key: keyof typeof counts) => [(_context: unknown, details: { n: number }) => void (counts[key] = details.n)];
  // No armor limit of its own (n = ∞): it reports what it counted and the caller's tier decides.
  validate(schema, document, [
    maxDepthRule({ n: Number.POSITIVE_INFINITY, flattenFragments: true, ignoreIntrospection: true, onAccept: record('depth'), propagateOnRejection: false }),
    maxAliasesRule({ n: Number.POSITIVE_INFINITY, onAccept: record('aliases'), propagateOnRejection: false }),
  ]);
  return counts;
}

/** How many items a field returns per parent: `first`, entity batches, documented list maxima, else one. */
function listLength(typeName: string, field: { name: string; type: Parameters<typeof getNullableType>[0]; args: readonly { name: string; defaultValue?: unknown }[] }, args: Record<string, unknown>): number {
  if (field.args.some((arg) => arg.name === SLICING_ARGUMENT)) {
    const first = args[SLICING_ARGUMENT] ?? field.args.find((arg) => arg.name === SLICING_ARGUMENT)?.defaultValue;
    return typeof first === 'number' && first >= 0 ? first : DEFAULT_LIST_SIZE;
  }
  // A subgraph's entity fetch returns one object per representation the gateway sent.
  if (field.name === '_entities' && Array.isArray(args.representations)) return args.representations.length;
  if (!isListType(getNullableType(field.type)) || isConnectionEdges(typeName, field.name)) return 1;
  return LIST_SIZES[`${typeName}.${field.name}`] ?? DEFAULT_LIST_SIZE;
}

/**
 * Objects cost 1, leaves nothing; a list multiplies what one of its items costs. Introspection
 * (`__schema`, on in development only) is answered from the schema in memory: free.
 */
export const costEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) =>
  isLeafType(getNamedType(field.type)) || type.name.startsWith('__') ? 0 : listLength(type.name, field, args) * (1 + childComplexity);

/** What an operation's text alone decides, whatever the variables and the caller. */
interface OperationShape {
  selections: number;
  roots: string[];
  /** Depth and aliases, measured once the selections were found within a limit. */
  counts?: { depth: number; aliases: number };
  /** Costs already measured, by costKey of the variables. */
  costs?: Map<string, number>;
}

/**
 * Shapes per schema and parsed document: Apollo Server hands a cached document's same object to
 * every request that sends its text (on a subgraph, every request of a planned operation).
 */
const shapes = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<OperationDefinitionNode, OperationShape>>>();

function shapeOf(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, fragments: Fragments): OperationShape {
  let bySchema = shapes.get(schema);
  if (!bySchema) shapes.set(schema, (bySchema = new WeakMap()));
  let byDocument = bySchema.get(document);
  if (!byDocument) bySchema.set(document, (byDocument = new Map()));
  let shape = byDocument.get(operation);
  if (!shape) {
    // Counted first and memoized: a "fragment bomb" (each fragment spreading the next twice) is refused here, in linear time.
    shape = { selections: countSelections(operation.selectionSet, fragments, new Map()), roots: rootFieldNames(operation.selectionSet, fragments) };
    byDocument.set(operation, shape);
  }
  return shape;
}

export interface CheckOperationInput {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  allowed: AllowedLimits;
}

/** The first limit the selected operation exceeds (cheapest measures first), or null. */
export function checkOperation(input: CheckOperationInput): LimitViolation | null {
  const { schema, document, allowed } = input;
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = input.operationName ? operations.find((op) => op.name?.value === input.operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) return null; // Apollo Server reports the missing or ambiguous operation
  const fragments: Fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((fragment) => [fragment.name.value, fragment]),
  );
  // Only the operation that would run, with the fragments it may use.
  const selected: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...fragments.values()] };
  const over = (limit: keyof AllowedLimits, measured: number): LimitViolation | null =>
    measured > allowed[limit] ? { limit, allowed: allowed[limit], measured } : null;

  const shape = shapeOf(schema, document, operation, fragments);
  const bySelections = over('selections', shape.selections);
  if (bySelections) return bySelections;
  // Only under the selection limit: depth and aliases walk fragments spread out.
  const { depth, aliases } = (shape.counts ??= armorCounts(schema, selected));
  const { roots, selections } = shape;
  const capped = Object.values(CAPPED_ROOT_FIELDS).map((limit) => over(limit, roots.filter((name) => CAPPED_ROOT_FIELDS[name] === limit).length));
  const found = over('depth', depth) ?? over('aliases', aliases) ?? over('rootFields', roots.length) ?? capped.find(Boolean);
  if (found) return found;

  const key = costKey(input.variables);
  let cost = key === null ? undefined : shape.costs?.get(key);
  if (cost === undefined) {
    try {
      cost = getComplexity({ schema, query: selected, variables: input.variables ?? {}, estimators: [costEstimator], maxQueryNodes: selections + 1 });
    } catch {
      return null; // variables that do not fit their types: execution reports them as BAD_USER_INPUT
    }
    if (key !== null) {
      shape.costs ??= new Map();
      if (shape.costs.size >= COSTS_PER_OPERATION) shape.costs.clear();
      shape.costs.set(key, cost);
    }
  }
  return over('cost', cost);
}

/** Costs remembered per operation (by variables): a planned operation's fetches repeat a handful. */
export const COSTS_PER_OPERATION = 64;
/** Variables longer than this as JSON are measured every time rather than remembered. */
const MAX_COST_KEY_LENGTH = 1_024;

/**
 * What an operation's cost depends on besides its text: its variables, with a federation entity
 * fetch's `representations` list (any value is valid there, and only their number counts) reduced
 * to its number. The two kinds of key cannot meet: a reduced one starts with the number, any
 * other with "-" (a single value given for the list is a list of one, so it is not reduced). Null
 * when too long to remember. Only costs of variables that fit their types are remembered, so a
 * remembered cost never stands for variables execution would refuse.
 */
function costKey(variables: Record<string, unknown> | null | undefined): string | null {
  if (!variables) return '';
  const { representations, ...rest } = variables;
  const key = Array.isArray(representations) ? `${representations.length}${JSON.stringify(rest)}` : `-${JSON.stringify(variables)}`;
  return key.length <= MAX_COST_KEY_LENGTH ? key : null;
}

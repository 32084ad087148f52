// The client's operation as incremental delivery needs it:
// - labelDefers: every @defer that applies (its `if` true) gets a label of our own, so each
//   deferred part of the plan maps back to its fragment; a @defer whose `if` is false is dropped;
// - shapingDocument: the document that shapes one part's raw data, where the kept fragment stays,
//   every other deferred fragment is replaced by the keys its fetches need (the plan's `requires`),
//   and every selection set asks for __typename (so fragments on abstract types can be told apart);
// - pick: a shaped result trimmed to what the client asked for in a selection (deferred fragments left out);
// - locate: the objects at a deferred fragment's path, each with its concrete path (list indexes).
import {
  Kind,
  isAbstractType,
  isInputType,
  typeFromAST,
  isObjectType,
  visit,
  valueFromAST,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type InlineFragmentNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import type { QueryPlanSelectionNode } from '@apollo/query-planner';

/** Our labels: the client's own labels are kept apart and given back in the payloads. */
const LABEL_PREFIX = '__defer_';

export interface DeferredFragment {
  /** Our label (unique in the document). */
  label: string;
  /** The client's label, if it gave one. */
  clientLabel?: string;
  /** The fragment's type condition, when it has one. */
  typeCondition?: string;
  selections: readonly SelectionNode[];
}

export interface LabelledOperation {
  document: DocumentNode;
  fragments: Map<string, DeferredFragment>;
}

type Variables = Record<string, unknown>;

function deferOf(node: { directives?: readonly DirectiveNode[] }): DirectiveNode | undefined {
  return node.directives?.find((directive) => directive.name.value === 'defer');
}

function argument(directive: DirectiveNode, name: string) {
  return directive.arguments?.find((arg) => arg.name.value === name)?.value;
}

/** Whether a @skip / @include pair lets a selection through. */
function included(node: { directives?: readonly DirectiveNode[] }, variables: Variables): boolean {
  for (const directive of node.directives ?? []) {
    if (directive.name.value !== 'skip' && directive.name.value !== 'include') continue;
    const value = argument(directive, 'if');
    const flag = value?.kind === Kind.VARIABLE ? variables[value.name.value] : value?.kind === Kind.BOOLEAN ? value.value : undefined;
    if (directive.name.value === 'skip' && flag === true) return false;
    if (directive.name.value === 'include' && flag === false) return false;
  }
  return true;
}

/** The document's variable defaults under the client's values. */
export function variablesWithDefaults(document: DocumentNode, variables: Variables | undefined, schema: GraphQLSchema): Variables {
  const out: Variables = {};
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const variable of definition.variableDefinitions ?? []) {
      const type = typeFromAST(schema, variable.type as never);
      if (variable.defaultValue && type && isInputType(type)) out[variable.variable.name.value] = valueFromAST(variable.defaultValue, type);
    }
  }
  return { ...out, ...variables };
}

/** The document with our labels on every @defer that applies; false ones removed. Null when it has none. */
export function labelDefers(document: DocumentNode, variables: Variables): LabelledOperation | null {
  const fragments = new Map<string, DeferredFragment>();
  const definitions = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const relabel = <T extends InlineFragmentNode | { kind: Kind.FRAGMENT_SPREAD; directives?: readonly DirectiveNode[]; name: { value: string } }>(node: T): T | undefined => {
    const directive = deferOf(node);
    if (!directive) return undefined;
    const ifValue = argument(directive, 'if');
    const on = !ifValue ? true : ifValue.kind === Kind.BOOLEAN ? ifValue.value : ifValue.kind === Kind.VARIABLE ? variables[ifValue.name.value] !== false : true;
    const others = (node.directives ?? []).filter((d) => d !== directive);
    if (!on) return { ...node, directives: others };
    const label = `${LABEL_PREFIX}${fragments.size}`;
    const clientLabel = argument(directive, 'label');
    const target = node.kind === Kind.INLINE_FRAGMENT ? (node as InlineFragmentNode) : definitions.get(node.name.value);
    fragments.set(label, {
      label,
      clientLabel: clientLabel?.kind === Kind.STRING ? clientLabel.value : clientLabel?.kind === Kind.VARIABLE ? String(variables[clientLabel.name.value] ?? '') || undefined : undefined,
      typeCondition: target?.typeCondition?.name.value,
      selections: target?.selectionSet.selections ?? [],
    });
    const labelled: DirectiveNode = {
      kind: Kind.DIRECTIVE,
      name: { kind: Kind.NAME, value: 'defer' },
      arguments: [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'label' }, value: { kind: Kind.STRING, value: label } }],
    };
    return { ...node, directives: [...others, labelled] };
  };
  const labelled = visit(document, {
    InlineFragment: { leave: (node) => relabel(node) },
    FragmentSpread: { leave: (node) => relabel(node) },
  });
  return fragments.size ? { document: labelled, fragments } : null;
}

function labelOf(node: { directives?: readonly DirectiveNode[] }): string | undefined {
  const directive = deferOf(node);
  const value = directive && argument(directive, 'label');
  return value?.kind === Kind.STRING && value.value.startsWith(LABEL_PREFIX) ? value.value : undefined;
}

/** A plan's `requires` (the keys of the entities a deferred fetch starts from) as GraphQL selections. */
export function selectionsOf(requires: readonly QueryPlanSelectionNode[]): SelectionNode[] {
  return requires.map((selection): SelectionNode =>
    selection.kind === 'Field'
      ? {
          kind: Kind.FIELD,
          name: { kind: Kind.NAME, value: selection.name },
          ...(selection.alias ? { alias: { kind: Kind.NAME, value: selection.alias } } : {}),
          ...(selection.selections ? { selectionSet: { kind: Kind.SELECTION_SET, selections: selectionsOf(selection.selections) } } : {}),
        }
      : {
          kind: Kind.INLINE_FRAGMENT,
          ...(selection.typeCondition ? { typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: selection.typeCondition } } } : {}),
          selectionSet: { kind: Kind.SELECTION_SET, selections: selectionsOf(selection.selections) },
        },
  );
}

const TYPENAME: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } };

/**
 * The document that shapes one part: the fragments labelled in `keep` stay whole; each other
 * deferred fragment becomes the keys its fetches start from; __typename everywhere.
 */
export function shapingDocument(labelled: DocumentNode, keep: ReadonlySet<string>, keysOf: (label: string) => readonly SelectionNode[]): DocumentNode {
  const replace = (node: InlineFragmentNode | { kind: Kind.FRAGMENT_SPREAD; directives?: readonly DirectiveNode[] }) => {
    const label = labelOf(node);
    if (!label) return undefined;
    const directives = (node.directives ?? []).filter((d) => d.name.value !== 'defer');
    if (keep.has(label)) return { ...node, directives };
    const keys: InlineFragmentNode = { kind: Kind.INLINE_FRAGMENT, directives, selectionSet: { kind: Kind.SELECTION_SET, selections: [TYPENAME, ...keysOf(label)] } };
    return keys;
  };
  const replaced = visit(labelled, { InlineFragment: { enter: (node) => replace(node) }, FragmentSpread: { enter: (node) => replace(node) } });
  return visit(replaced, {
    SelectionSet: {
      leave: (node: SelectionSetNode) =>
        node.selections.some((s) => s.kind === Kind.FIELD && s.name.value === '__typename' && !s.alias) ? undefined : { ...node, selections: [TYPENAME, ...node.selections] },
    },
  });
}

export interface PickContext {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Variables;
}

export function fragmentDefinitions(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  return new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
}

/** Whether an object of runtime type `typename` matches a fragment on `condition`. */
export function applies(schema: GraphQLSchema, condition: string | undefined, typename: unknown): boolean {
  if (!condition || typeof typename !== 'string' || condition === typename) return true;
  const abstract = schema.getType(condition);
  const object = schema.getType(typename);
  return !!abstract && isAbstractType(abstract) && isObjectType(object) && schema.isSubType(abstract, object);
}

function merge(into: unknown, value: unknown): unknown {
  if (into === undefined || into === null || value === null) return value;
  if (Array.isArray(into) && Array.isArray(value)) return into.map((item, i) => merge(item, value[i]));
  if (typeof into === 'object' && typeof value === 'object') {
    const out: Record<string, unknown> = Object.assign(Object.create(null), into);
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) out[key] = merge(out[key], v);
    return out;
  }
  return value;
}

/** `value` trimmed to `selections` (deferred fragments left out), in the client's field order. */
export function pick(value: unknown, selections: readonly SelectionNode[], context: PickContext): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((item) => pick(item, selections, context));
  // Response names are the client's aliases: a null prototype keeps `constructor` or `__proto__` plain fields.
  const out: Record<string, unknown> = Object.create(null);
  collect(value as Record<string, unknown>, selections, context, out);
  return out;
}

const own = (object: Record<string, unknown>, key: string): unknown => (Object.hasOwn(object, key) ? object[key] : undefined);

function collect(value: Record<string, unknown>, selections: readonly SelectionNode[], context: PickContext, out: Record<string, unknown>): void {
  for (const selection of selections) {
    if (!included(selection, context.variables)) continue;
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      if (selection.name.value === '__typename') out[key] = own(value, key) ?? value.__typename;
      else if (!selection.selectionSet) out[key] = own(value, key) ?? null;
      else out[key] = merge(out[key], pick(own(value, key), selection.selectionSet.selections, context));
      continue;
    }
    if (labelOf(selection)) continue;
    const target = selection.kind === Kind.INLINE_FRAGMENT ? selection : context.fragments.get(selection.name.value);
    if (!target || !applies(context.schema, target.typeCondition?.name.value, value.__typename)) continue;
    collect(value, target.selectionSet.selections, context, out);
  }
}

export interface Located {
  path: (string | number)[];
  value: Record<string, unknown>;
}

/** The objects at a deferred fragment's path (response names; `... on T` steps filter by type), with list indexes filled in. */
export function locate(schema: GraphQLSchema, value: unknown, path: readonly string[], at: (string | number)[] = [], out: Located[] = []): Located[] {
  if (value === null || value === undefined) return out;
  if (Array.isArray(value)) {
    value.forEach((item, i) => locate(schema, item, path, [...at, i], out));
    return out;
  }
  const record = value as Record<string, unknown>;
  if (!path.length) {
    out.push({ path: at, value: record });
    return out;
  }
  const [head, ...rest] = path;
  const condition = /^\.\.\.\s*on\s+(\w+)/.exec(head!);
  if (condition) {
    if (applies(schema, condition[1], record.__typename)) locate(schema, record, rest, at, out);
    return out;
  }
  return locate(schema, record[head!], rest, [...at, head!], out);
}

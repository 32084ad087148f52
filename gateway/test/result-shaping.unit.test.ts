// The compiled result shaping (gateway/result-shaping.ts) against @apollo/gateway's own
// computeResponse: both run on the same operations and the same subgraph data, generated at random
// with nulls in non-null places, wrong leaf values, missing fields, unknown and abstract
// __typenames, and must give the same data, key order and errors, or both throw.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  Supergraph,
  buildSchema,
  isCompositeType,
  isCustomScalarType,
  isEnumType,
  isListType,
  isNonNullType,
  operationFromDocument,
  possibleRuntimeTypes,
  type NamedType,
  type Operation,
  type Schema,
  type SelectionSet,
  type Type,
} from '@apollo/federation-internals';
import { buildOperationContext, executeQueryPlan } from '@apollo/gateway';
import { parse } from 'graphql';
import { apolloComputeResponse, compiledComputeResponse, useCompiledResultShaping, type ShapingInput } from '../result-shaping';

/** mulberry32: a small seeded generator, so a failure replays. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Subgraph data for `set`, mostly well formed: one value in `oddsOfFault` is wrong in some way. */
function generate(schema: Schema, set: SelectionSet, runtime: NamedType, next: () => number, oddsOfFault: number): Record<string, unknown> {
  const fault = () => next() < oddsOfFault;
  const object: Record<string, unknown> = {};
  if (fault()) object.__typename = fault() ? 42 : 'NoSuchType';
  else if (next() < 0.5) object.__typename = runtime.name;
  for (const selection of set.selections()) {
    if (selection.kind === 'FragmentSelection') {
      const part = generate(schema, selection.selectionSet, runtime, next, oddsOfFault);
      for (const key of Object.keys(part)) own(object, key, part[key]);
      continue;
    }
    const field = selection.element;
    if (fault()) continue; // missing
    own(object, field.responseName(), value(schema, field.definition.type!, selection.selectionSet, next, oddsOfFault));
  }
  return object;
}

/** Sets an own property even for names an object inherits (`__proto__`), as JSON.parse does. */
function own(object: Record<string, unknown>, key: string, item: unknown): void {
  Object.defineProperty(object, key, { value: item, writable: true, enumerable: true, configurable: true });
}

function value(schema: Schema, type: Type, set: SelectionSet | undefined, next: () => number, oddsOfFault: number): unknown {
  const fault = () => next() < oddsOfFault;
  if (fault()) return null;
  if (isNonNullType(type)) return value(schema, type.ofType, set, next, oddsOfFault);
  if (isListType(type)) {
    if (fault()) return 'not a list';
    return Array.from({ length: Math.floor(next() * 4) }, () => value(schema, type.ofType, set, next, oddsOfFault));
  }
  if (isCompositeType(type)) {
    if (fault()) return 7;
    const runtimes = possibleRuntimeTypes(type);
    return generate(schema, set!, runtimes[Math.floor(next() * runtimes.length)] ?? type, next, oddsOfFault);
  }
  const named = type as NamedType;
  if (fault()) return [true, 1.5, 'text', 12, { nested: 1 }, Number.NaN][Math.floor(next() * 6)];
  if (isEnumType(named)) return named.values[Math.floor(next() * named.values.length)].name;
  if (isCustomScalarType(named)) return next() < 0.5 ? '2026-12-04' : { any: 'json' };
  switch (named.name) {
    case 'Int':
      return Math.floor(next() * 100) - 50;
    case 'Float':
      return next() * 10;
    case 'Boolean':
      return next() < 0.5;
    case 'ID':
      return next() < 0.5 ? String(Math.floor(next() * 1000)) : Math.floor(next() * 1000);
    default:
      return `s${Math.floor(next() * 1000)}`;
  }
}

type Outcome = { data: string; errors: { message: string; path: unknown }[] } | { threw: string };

function outcome(shape: (input: ShapingInput) => ReturnType<typeof apolloComputeResponse>, input: ShapingInput): Outcome {
  try {
    const { data, errors } = shape(input);
    return { data: JSON.stringify(data), errors: errors.map((error) => ({ message: error.message, path: error.path })) };
  } catch (error) {
    return { threw: (error as Error).message };
  }
}

function operationOf(schema: Schema, source: string, operationName?: string): Operation {
  return operationFromDocument(schema, parse(source), { operationName, validate: false });
}

const introspectionHandling: ShapingInput['introspectionHandling'] = (selection) => ({ introspected: selection.element.responseName() });

function compareOnRandomData(schema: Schema, operation: Operation, variables: Record<string, unknown>, runs: number, oddsOfFault: number): { faulted: number; threw: number; withData: number } {
  let faulted = 0;
  let threw = 0;
  let withData = 0;
  for (let seed = 1; seed <= runs; seed++) {
    const root = schema.schemaDefinition.rootType(operation.rootKind)!;
    const input = generate(schema, operation.selectionSet, root, random(seed), oddsOfFault);
    const args = { operation, variables, input, introspectionHandling };
    const stock = outcome(apolloComputeResponse, args);
    const compiled = outcome(compiledComputeResponse, args);
    expect({ seed, ...compiled }).toEqual({ seed, ...stock });
    if ('threw' in stock) threw++;
    else {
      if (stock.errors.length) faulted++;
      if (stock.data !== 'null') withData++;
    }
  }
  return { faulted, threw, withData };
}

const abstractSchema = buildSchema(`
  type Query { feed(first: Int): [Item!]! node(id: ID!): Node viewer: User! }
  interface Node { id: ID! }
  union Item = Article | Video
  enum Level { LOW HIGH }
  scalar JSON
  type Article implements Node { id: ID! title: String! words: Int tags: [String!] level: Level author: User }
  type Video implements Node { id: ID! title: String seconds: Float! meta: JSON }
  type User implements Node { id: ID! name: String! admin: Boolean! friends: [User] }
`);

const abstractOperation = `
  query Feed($skipWords: Boolean!, $withMeta: Boolean = true) {
    feed(first: 3) {
      __typename
      ... on Article { __typename id title words @skip(if: $skipWords) tags level author { ...who } }
      ... on Video { id title seconds meta @include(if: $withMeta) kind: __typename }
      ... on Node { id }
    }
    node(id: "1") { id ... on User { name admin friends { id name } } }
    viewer { ...who constructor: name toString: id __proto__: name friends { constructor: id } }
    __schema { queryType { name } }
  }
  fragment who on User { id name admin }
`;

describe('compiled result shaping', () => {
  it('gives what @apollo/gateway gives for the dashboard, on 400 sets of subgraph data with faults', () => {
    const api = Supergraph.build(readFileSync(path.join(__dirname, '../../schema/supergraph.graphql'), 'utf8')).apiSchema();
    const operation = operationOf(api, readFileSync(path.join(__dirname, '../../clients/operations/dashboard.graphql'), 'utf8'));
    const variables = { first: 50, statsFrom: '2026-11-27', statsTo: '2026-12-03' };
    const clean = compareOnRandomData(api, operation, variables, 20, 0);
    expect(clean).toEqual({ faulted: 0, threw: 0, withData: 20 });
    const { faulted, threw, withData } = compareOnRandomData(api, operation, variables, 400, 0.03);
    // The generator must reach the error paths and still compare data, or the comparison proves little.
    expect(faulted).toBeGreaterThan(50);
    expect(threw).toBeGreaterThan(20);
    expect(withData).toBeGreaterThan(100);
  });

  it('gives what @apollo/gateway gives with interfaces, unions, fragments, aliases, @skip/@include and inherited names', () => {
    for (const variables of [{ skipWords: false }, { skipWords: true, withMeta: false }, { skipWords: false, withMeta: true }]) {
      const operation = operationOf(abstractSchema, abstractOperation);
      // Many faults reach the error paths; few leave most answers with data to compare.
      const many = compareOnRandomData(abstractSchema, operation, variables, 300, 0.05);
      const few = compareOnRandomData(abstractSchema, operation, variables, 300, 0.01);
      expect(many.faulted).toBeGreaterThan(30);
      expect(many.threw).toBeGreaterThan(10);
      expect(few.withData).toBeGreaterThan(100);
    }
  });

  it('keeps inherited names as plain own fields of the response', () => {
    const operation = operationOf(abstractSchema, `{ viewer { constructor: name __proto__: friends { id } toString: id } }`);
    const input = { viewer: { constructor: 'Ada', __proto__: [{ id: '2' }], toString: '1' } };
    Object.defineProperty(input.viewer, '__proto__', { value: [{ id: '2' }], enumerable: true });
    const { data, errors } = compiledComputeResponse({ operation, input, introspectionHandling });
    expect(errors).toEqual([]);
    expect(JSON.stringify(data)).toBe('{"viewer":{"constructor":"Ada","__proto__":[{"id":"2"}],"toString":"1"}}');
    expect(Object.getPrototypeOf((data as { viewer: object }).viewer)).toBe(Object.prototype);
  });

  it('throws only when the selection is reached, as @apollo/gateway does, for a @skip variable that is not a boolean', () => {
    const operation = operationOf(abstractSchema, `query($s: Boolean!) { node(id: "1") { id ... on User { name @skip(if: $s) } } viewer { id } }`);
    const variables = { s: 'yes' };
    const reached = { node: { __typename: 'User', id: '1', name: 'Ada' }, viewer: { id: '2' } };
    const notReached = { node: null, viewer: { id: '2' } };
    for (const input of [reached, notReached]) {
      const args = { operation, variables, input, introspectionHandling };
      expect(outcome(compiledComputeResponse, args)).toEqual(outcome(apolloComputeResponse, args));
    }
    expect(outcome(compiledComputeResponse, { operation, variables, input: notReached, introspectionHandling })).toEqual({ data: '{"node":null,"viewer":{"id":"2"}}', errors: [] });
  });

  it('is what @apollo/gateway executes once installed', async () => {
    useCompiledResultShaping();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const shaping = require('@apollo/gateway/dist/resultShaping') as { computeResponse: typeof compiledComputeResponse };
    expect(shaping.computeResponse).toBe(compiledComputeResponse);
    // The executor reads the export when it runs: a spy wrapping the installed function sees the call.
    const spy = jest.spyOn(shaping, 'computeResponse');
    try {
      const supergraph = Supergraph.build(readFileSync(path.join(__dirname, '../../schema/supergraph.graphql'), 'utf8'));
      const api = supergraph.apiSchema();
      const operationContext = buildOperationContext({ schema: api.toGraphQLJSSchema(), operationDocument: parse('query Probe { __typename }') });
      const request = { request: { variables: {} }, operationName: 'Probe' } as unknown as Parameters<typeof executeQueryPlan>[2];
      const result = await executeQueryPlan({ kind: 'QueryPlan', node: undefined }, {}, request, operationContext, supergraph.schema.toGraphQLJSSchema(), api);
      expect(result).toEqual({ data: { __typename: 'Query' } });
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});

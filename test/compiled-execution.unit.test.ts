// Subgraph operations compiled by graphql-jit (shared/server/compiled-execution.ts) answer as
// graphql-js does: two Apollo Servers over one federated schema (entities, an interface, a union,
// the shared scalars, graphql-shield with fallbackRule deny, the abort guard), one executing with
// graphql-js and one through the compiled executor, get the same operations and must give the same
// data and the same formatted errors (the error policy's codes included).
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { allow } from 'graphql-shield';
import { compiledExecution } from '../shared/server/compiled-execution';
import { applyPermissions } from '../shared/rbac/apply';
import { scalarResolvers } from '../shared/graphql/scalars';
import { abortGuard } from '../shared/limits/abort';
import { applyMiddleware } from 'graphql-middleware';
import { formatErrorFor } from '../shared/server/format-error';
import { notFound } from '../shared/graphql/errors';
import type { Logger } from '../shared/logger';

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  scalar DateTime
  scalar Date
  interface Reading { id: ID! value: Float }
  type Glucose implements Reading { id: ID! value: Float unit: String! }
  type Ketone implements Reading { id: ID! value: Float takenAt: DateTime! }
  union Finding = Glucose | Note
  type Note { text: String! }
  type Patient @key(fields: "id") {
    id: ID!
    name: String!
    born: Date
    readings(first: Int = 2): [Reading!]!
    findings: [Finding]
    secret: String
    broken: String
    brokenNonNull: String!
    missing: Patient
  }
  type Query { patient(id: ID!): Patient patients: [Patient!]! boom: Int }
  type Mutation { remove(id: ID!): Boolean! }
`);

const people: Record<string, { id: string; name: string; born: Date }> = {
  p1: { id: 'p1', name: 'Ada', born: new Date('1990-05-04T00:00:00Z') },
  p2: { id: 'p2', name: 'Grace', born: new Date('1985-12-09T00:00:00Z') },
};
const readings = (id: string) => [
  { kind: 'Glucose', id: `${id}-g`, value: 5.4, unit: 'mmol/L' },
  { kind: 'Ketone', id: `${id}-k`, value: null, takenAt: new Date('2026-01-01T08:00:00Z') },
  { kind: 'Glucose', id: `${id}-g2`, value: 6.1, unit: 'mmol/L' },
];

const resolvers = {
  ...scalarResolvers,
  Query: {
    patient: (_: unknown, { id }: { id: string }) => {
      if (!people[id]) throw notFound('Patient', id);
      return people[id];
    },
    patients: async () => Object.values(people),
    boom: () => {
      throw new TypeError("Cannot read properties of undefined (reading 'x')");
    },
  },
  Mutation: {
    remove: async (_: unknown, { id }: { id: string }) => {
      // A Prisma-style known request error: the error policy turns P2025 into NOT_FOUND.
      throw Object.assign(new Error(`No record ${id}`), { name: 'PrismaClientKnownRequestError', code: 'P2025' });
    },
  },
  Reading: { __resolveType: (reading: { kind: string }) => reading.kind },
  Finding: { __resolveType: (finding: { text?: string }) => (finding.text ? 'Note' : 'Glucose') },
  Patient: {
    __resolveReference: async ({ id }: { id: string }) => people[id] ?? null,
    readings: (patient: { id: string }, { first }: { first: number }) => readings(patient.id).slice(0, first),
    findings: (patient: { id: string }) => [{ text: `note on ${patient.id}` }, readings(patient.id)[0], null],
    secret: () => 'never shown',
    broken: async () => {
      throw new Error('database went away');
    },
    brokenNonNull: () => null,
    missing: () => null,
  },
};

const rules = {
  Query: { patient: allow, patients: allow, boom: allow, _entities: allow, _service: allow },
  Mutation: { remove: allow },
  // `secret` is not named: fallbackRule deny refuses it.
  Patient: { id: allow, name: allow, born: allow, readings: allow, findings: allow, broken: allow, brokenNonNull: allow, missing: allow },
  Glucose: allow,
  Ketone: allow,
  Note: allow,
  _Service: allow,
};

const silent = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} } as unknown as Logger;

function servers() {
  const federated = buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]);
  const schema = applyMiddleware(applyPermissions(federated, rules as never), abortGuard(federated) as never);
  const formatError = formatErrorFor(silent, false);
  const interpreted = new ApolloServer({ schema, formatError });
  const compiled = new ApolloServer({ gateway: compiledExecution(schema, 2), formatError });
  return { interpreted, compiled };
}

const OPERATIONS: { query: string; variables?: Record<string, unknown> }[] = [
  { query: 'query($id: ID!) { patient(id: $id) { id name born readings { id value ... on Glucose { unit } ... on Ketone { takenAt } } } }', variables: { id: 'p1' } },
  { query: 'query($id: ID!) { patient(id: $id) { id name } }', variables: { id: 'nobody' } },
  { query: '{ patients { id n: name readings(first: 3) { __typename id } findings { __typename ... on Note { text } ... on Glucose { value } } } }' },
  { query: '{ patients { id secret } }' },
  { query: '{ patients { id broken } }' },
  { query: '{ patients { id brokenNonNull } }' },
  { query: '{ patient(id: "p2") { missing { id } name } }' },
  { query: '{ boom }' },
  { query: 'mutation { remove(id: "gone") }' },
  { query: 'query($skip: Boolean!) { patients { id name @skip(if: $skip) born @include(if: $skip) } }', variables: { skip: true } },
  { query: 'query($skip: Boolean!) { patients { id name @skip(if: $skip) born @include(if: $skip) } }', variables: { skip: false } },
  { query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Patient { id name readings(first: 1) { id } } } }', variables: { r: [{ __typename: 'Patient', id: 'p2' }, { __typename: 'Patient', id: 'nobody' }, { __typename: 'Patient', id: 'p1' }] } },
  { query: '{ _service { sdl } }' },
  // Variables the operation cannot take: BAD_USER_INPUT, as graphql-js's coercion reports them.
  { query: 'query($id: ID!) { patient(id: $id) { id } }', variables: {} },
  { query: 'query($id: ID!) { patient(id: $id) { id } }', variables: { id: { not: 'an id' } } },
  { query: 'query($first: Int) { patients { readings(first: $first) { id } } }', variables: { first: 'two' } },
  { query: '{ __type(name: "Reading") { name kind possibleTypes { name } } }' },
];

async function answer(server: ApolloServer, operation: (typeof OPERATIONS)[number]) {
  const response = await server.executeOperation(operation, { contextValue: { signal: new AbortController().signal } as never });
  if (response.body.kind !== 'single') throw new Error('incremental answer');
  return response.body.singleResult;
}

describe('compiled subgraph execution', () => {
  const { interpreted, compiled } = servers();
  beforeAll(async () => {
    await interpreted.start();
    await compiled.start();
  });
  afterAll(async () => {
    await interpreted.stop();
    await compiled.stop();
  });

  it.each(OPERATIONS.map((operation) => [operation.query, operation]))('answers %s as graphql-js does', async (_query, operation) => {
    // Twice: the second run reuses the compiled operation (the cache keeps two, so some are compiled again).
    for (let run = 0; run < 2; run++) {
      const [expected, actual] = await Promise.all([answer(interpreted, operation), answer(compiled, operation)]);
      expect(actual).toEqual(expected);
    }
  });

  it('keeps the contract codes of the errors it reports', async () => {
    const codes = async (query: string) => (await answer(compiled, { query })).errors?.map((error) => error.extensions?.code);
    expect(await codes('{ patients { id secret } }')).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    expect(await codes('mutation { remove(id: "gone") }')).toEqual(['NOT_FOUND']);
    expect(await codes('{ boom }')).toEqual(['INTERNAL_SERVER_ERROR']);
  });

  it('reports an unknown operation name as graphql-js does', async () => {
    const operation = { query: 'query A { patients { id } } query B { boom }', operationName: 'C' };
    const [expected, actual] = await Promise.all([answer(interpreted, operation), answer(compiled, operation)]);
    expect(actual.errors?.map((error) => error.extensions?.code)).toEqual(expected.errors?.map((error) => error.extensions?.code));
    expect(actual.data ?? null).toBeNull();
  });
});

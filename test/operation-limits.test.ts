// Operation limits (shared/limits, gateway/limits): every operation this project ships stays
// within half of each limit; hostile operations — deep cycles, alias floods, fragment bombs,
// huge documents, batched Luna turns — get one OPERATION_LIMIT error, run nothing, and the
// gateway and the subgraphs keep serving. Straight at a subgraph the same limits hold.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, getNamedType, getNullableType, isInterfaceType, isLeafType, isListType, isObjectType, parse } from 'graphql';
import { SLICING_ARGUMENT, LIST_SIZES, isConnectionEdges } from '../shared/limits/list-sizes';
import { checkOperation, type AllowedLimits } from '../shared/limits/operation';
import { allowedFor, defaultLimits } from '../shared/limits/tiers';
import { countTokens } from '../shared/limits/tokens';
import { authHeaders, seededPatientId } from './support/auth';
import WebSocket from 'ws';
import { collect, wsClient } from './support/ws';
import { codes, gatewayUrl, gql, sqlStatements } from './support/graphql';
import { documentOperations, toolOperations, type ShippedOperation } from './support/shipped-operations';
import { ROOT } from './support/stack';

const schema = buildSchema(readFileSync(path.join(ROOT, 'schema/api-schema.graphql'), 'utf8'));
const settings = defaultLimits();

/** Root fields anyone may read: their operations are checked against the anonymous limits. */
const PUBLIC_ROOTS = /^\s*(query|fragment)[^{]*\{\s*(peptides?|searchContent|faqs?|biomarkers|stacks?|goals?|blogPosts?|helpArticles?|coas?|researchPapers?)\b/;
/** Operations that list many patients: staff and partners. */
const STAFF_ROOTS = /\b(patients|auditLog)\s*\(/;

function tierFor(operation: ShippedOperation): ShippedOperation['tier'] {
  if (STAFF_ROOTS.test(operation.query)) return 'staff';
  const single = parse(operation.query).definitions.find((d) => d.kind === 'OperationDefinition' && d.name?.value === operation.operationName);
  const text = single?.loc ? operation.query.slice(single.loc.start, single.loc.end) : operation.query;
  return PUBLIC_ROOTS.test(text) ? 'anonymous' : operation.tier === 'staff' ? 'staff' : 'customer';
}

const half = (allowed: AllowedLimits): AllowedLimits => Object.fromEntries(Object.entries(allowed).map(([name, value]) => [name, name === 'lunaMessages' ? value : Math.floor(value / 2)])) as AllowedLimits;

describe('the limits leave every shipped operation room to spare', () => {
  let shipped: ShippedOperation[];
  beforeAll(async () => {
    shipped = [...documentOperations(), ...(await toolOperations())];
  });

  it('finds the operations of the SDK, the manifest, the MCP tools and Luna’s tools', () => {
    const names = new Set(shipped.map((op) => op.operationName));
    for (const name of ['PatientDashboard', 'MyDashboard', 'ExportPatientLabs', 'SendLunaMessage', 'McpLabResults', 'McpSearchContent', 'LunaLabResults', 'LunaWearableInsights']) expect(names).toContain(name);
    expect(shipped.length).toBeGreaterThan(40);
  });

  it('keeps each one within half of every limit of its caller’s tier (a Luna message: one)', () => {
    const over = shipped.flatMap((operation) => {
      const tier = tierFor(operation);
      const violation = checkOperation({ schema, document: parse(operation.query), operationName: operation.operationName, variables: operation.variables, allowed: half(allowedFor(settings, tier)) });
      const tokens = countTokens(operation.query) > settings.maxTokens / 2 ? { limit: 'tokens' } : null;
      return violation || tokens ? [{ operation: operation.operationName, source: operation.source, tier, ...(violation ?? tokens) }] : [];
    });
    expect(over).toEqual([]);
  });

  it('names a documented size for every list of the graph that has no `first`', () => {
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
      for (const field of Object.values(type.getFields())) {
        const list = isListType(getNullableType(field.type)) && !isLeafType(getNamedType(field.type));
        if (list && !field.args.some((arg) => arg.name === SLICING_ARGUMENT) && !isConnectionEdges(type.name, field.name) && !(`${type.name}.${field.name}` in LIST_SIZES)) {
          missing.push(`${type.name}.${field.name}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});

/** The 50-level public cycle from the issue: Peptide.researchPapers ↔ ResearchPaper.peptides. */
function cycle(levels: number): string {
  let inner = 'id';
  for (let i = levels - 1; i >= 0; i--) inner = `${i % 2 === 0 ? 'researchPapers' : 'peptides'} { ${inner} }`;
  return `{ peptides(first: 20) { edges { node { ${inner} } } } }`;
}

const aliases = (count: number, field = 'peptides(first: 1) { totalCount }') => `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(' ')} }`;

/** Each fragment spreads the next twice: 2^depth fields once spread out, from a few hundred bytes. */
function fragmentBomb(depth: number): string {
  const fragments = Array.from({ length: depth }, (_, i) => `fragment F${i} on Peptide { ${i === depth - 1 ? 'id name' : `name ...F${i + 1} ...F${i + 1}`} }`);
  return `{ peptides(first: 1) { edges { node { ...F0 } } } } ${fragments.join(' ')}`;
}

async function expectLimit(response: Awaited<ReturnType<typeof gql>>, limit: string): Promise<void> {
  expect(response.status).toBe(400);
  expect(response.data ?? null).toBeNull();
  expect(response.errors).toHaveLength(1);
  expect(response.errors![0].extensions).toEqual({ code: 'OPERATION_LIMIT', limit, allowed: expect.any(Number), measured: expect.any(Number) });
  expect(response.errors![0].extensions!.measured as number).toBeGreaterThan(response.errors![0].extensions!.allowed as number);
}

async function stillServing(headers: Record<string, string> = {}): Promise<void> {
  expect((await fetch(`${gatewayUrl()}/healthz`)).status).toBe(200);
  const answer = await gql('{ peptides(first: 2) { edges { node { slug } } } }', {}, { headers });
  expect(answer.errors).toBeUndefined();
  expect(answer.data!.peptides.edges).toHaveLength(2);
}

describe('hostile operations through the gateway', () => {
  let admin: Record<string, string>;
  let customer: Record<string, string>;
  beforeAll(async () => {
    admin = await authHeaders('admin');
    customer = await authHeaders('customer');
  });

  it('refuses the 50-level cycle anonymously, runs no SQL, and keeps serving', async () => {
    const before = await sqlStatements();
    await expectLimit(await gql(cycle(50)), 'depth');
    expect(await sqlStatements()).toBe(before);
    await stillServing();
  });

  it('refuses a shallower cycle by its cost: the lists multiply', async () => {
    const response = await gql(cycle(6), {}, { headers: customer });
    await expectLimit(response, 'cost');
  });

  it('refuses 10,000 aliases (by the token limit) and 120 (by the alias limit), with variables or fragments', async () => {
    await expectLimit(await gql(aliases(10_000)), 'tokens');
    await expectLimit(await gql(aliases(120), {}, { headers: admin }), 'aliases');
    const viaFragment = `query($n: Int) { ...Many } fragment Many on Query { ${Array.from({ length: 12 }, (_, i) => `p${i}: peptides(first: $n) { totalCount }`).join(' ')} }`;
    await expectLimit(await gql(viaFragment, { n: 1 }), 'aliases');
    await stillServing();
  });

  it('refuses a fragment bomb before measuring its cost', async () => {
    await expectLimit(await gql(fragmentBomb(24), {}, { headers: admin }), 'selections');
    await stillServing(admin);
  });

  it('counts `first` from variables: the same document passes small and is refused large', async () => {
    const query = 'query($n: Int, $m: Int) { patients(first: $n) { edges { node { labResults(first: $m) { edges { node { readings { value } } } } } } } }';
    const small = await gql(query, { n: 2, m: 2 }, { headers: customer });
    expect(codes(small)).not.toContain('OPERATION_LIMIT');
    await expectLimit(await gql(query, { n: 100, m: 100 }, { headers: customer }), 'cost');
  });

  it('refuses too many root fields and too many directives on one field', async () => {
    const nine = '{ peptides { totalCount } stacks { totalCount } goals { totalCount } blogPosts { totalCount } faqs { totalCount } helpArticles { totalCount } coas { totalCount } researchPapers { totalCount } biomarkers { code } }';
    await expectLimit(await gql(nine), 'rootFields');
    const directives = `query($t: Boolean!) { peptides(first: 1) @include(if: $t) @skip(if: false) @include(if: true) @skip(if: false) @include(if: true) { totalCount } }`;
    await expectLimit(await gql(directives, { t: true }, { headers: admin }), 'directivesPerField');
  });

  it('lets a mutation send one Luna message, not two, and starts no turn when refused', async () => {
    const before = await gql('{ me { conversations { totalCount } } }', {}, { headers: customer });
    const two = 'mutation { a: sendLunaMessage(message: "one") { reply { id } } b: sendLunaMessage(message: "two") { reply { id } } }';
    await expectLimit(await gql(two, {}, { headers: customer }), 'lunaMessages');
    const after = await gql('{ me { conversations { totalCount } } }', {}, { headers: customer });
    expect(after.data!.me.conversations.totalCount).toBe(before.data!.me.conversations.totalCount);
  });

  it('refuses batched requests and a huge variables payload without running them', async () => {
    const batch = await fetch(`${gatewayUrl()}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ peptides(first: 1) { totalCount } }' }, { query: '{ faqs(first: 1) { totalCount } }' }]),
    });
    expect(batch.status).toBe(400);
    const longString = 'x'.repeat(settings.maxStringLength + 1);
    const huge = await gql('query($s: String) { peptides(first: 1, search: $s) { totalCount } }', { s: longString, unused: Array.from({ length: 50_000 }, (_, i) => ({ i })) });
    expect(codes(huge)).toEqual(['BAD_USER_INPUT']);
    expect(huge.errors![0].extensions!.argument).toBe('$s');
    await stillServing();
  });

  it('applies the limits to subscriptions over graphql-ws, before the subscription is planned', async () => {
    const client = wsClient(customer.authorization);
    try {
      const nested = 'labResults { edges { node { patient { '.repeat(5);
      const deep = `subscription($p: ID!) { wearableReadingAdded(patientId: $p) { patient { ${nested} id ${'} } } }'.repeat(5)} } } }`;
      const stream = collect(client, deep, { p: seededPatientId(1) });
      await stream.waitFor(1);
      expect(stream.events).toEqual([]);
      const errors = stream.error as { extensions?: Record<string, unknown> }[];
      expect(errors).toHaveLength(1);
      expect(errors[0].extensions).toMatchObject({ code: 'OPERATION_LIMIT', limit: 'depth', allowed: settings.maxDepth });
    } finally {
      await client.dispose();
    }
  });

  it('closes a WebSocket that sends a frame over the body limit, on the gateway and on a subgraph', async () => {
    const base = Number(process.env.TEST_PORT_BASE);
    const closeCode = (port: number) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
        socket.on('open', () => socket.send(Buffer.alloc(16 * 1024 * 1024, 'a')));
        socket.on('close', (code) => resolve(code));
        socket.on('error', () => undefined);
      });
    expect(await closeCode(base)).toBe(1009);
    expect(await closeCode(base + 2)).toBe(1009);
    expect((await fetch(`http://127.0.0.1:${base + 2}/healthz`)).status).toBe(200);
    await stillServing();
  });

  it('refuses the same hostile operations sent straight to a subgraph', async () => {
    const content = `http://127.0.0.1:${Number(process.env.TEST_PORT_BASE) + 5}`;
    const deep = await gql(cycle(50), {}, { url: content, signAs: { service: 'content' } });
    expect(deep.errors).toHaveLength(1);
    expect(deep.errors![0].extensions).toMatchObject({ code: 'OPERATION_LIMIT', limit: 'depth' });
    const bomb = await gql(fragmentBomb(24), {}, { url: content, signAs: { service: 'content' } });
    expect(bomb.errors![0].extensions).toMatchObject({ code: 'OPERATION_LIMIT', limit: 'selections' });
    expect((await fetch(`${content}/healthz`)).status).toBe(200);
  });
});

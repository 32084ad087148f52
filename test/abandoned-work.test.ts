// Work stops when the answer is no longer wanted: the gateway's deadline aborts its subgraph
// fetches, a client that goes away aborts them too, a subgraph resolves no further object field
// once its caller is gone (abortGuard), and no response is larger than RESPONSE_MAX_BYTES.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { execute, GraphQLID, GraphQLList, GraphQLObjectType, GraphQLSchema, parse } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { SUPERGRAPH_FILE } from '../gateway/compose';
import { startGateway, type GatewayOptions } from '../gateway/server';
import { DEV_ISSUER, devJwks } from '../shared/auth/dev-issuer';
import { createTokenVerifier } from '../shared/auth/verify';
import { abortGuard } from '../shared/limits/abort';
import { defaultLimits } from '../shared/limits/tiers';
import type { RunningServer } from '../shared/server/listen';
import { authHeaders, testDataDir } from './support/auth';
import { codes, gql } from './support/graphql';
import { signedLikeTheGateway, testGatewayTrust } from './support/trust';
import { GATEWAY_SIGNATURE_HEADER } from '../shared/trust/envelope';

let admin: Record<string, string>;
const servers: RunningServer[] = [];

async function gatewayWith(limits: Partial<ReturnType<typeof defaultLimits>>): Promise<RunningServer> {
  const base = Number(process.env.TEST_PORT_BASE);
  const options: GatewayOptions = {
    host: '127.0.0.1',
    port: 0,
    supergraphSdl: readFileSync(SUPERGRAPH_FILE, 'utf8'),
    subgraphUrls: Object.fromEntries(['patient', 'labs', 'protocols', 'wearables', 'content', 'luna'].map((name, i) => [name, `http://127.0.0.1:${base + i + 1}/graphql`])),
    subgraphTimeoutMs: 10_000,
    exposeErrorDetails: false,
    verifyToken: createTokenVerifier({ jwks: await devJwks(testDataDir()), issuer: DEV_ISSUER }),
    limits: { ...defaultLimits(), ...limits },
    trust: await testGatewayTrust(),
  };
  const server = await startGateway(options);
  servers.push(server);
  return server;
}

beforeAll(async () => {
  admin = await authHeaders('admin');
});
afterAll(async () => {
  for (const server of servers) await server.stop();
});

const DASHBOARD = '{ patients(first: 50) { edges { node { firstName labResults(first: 5) { edges { node { readings { code value } } } } protocols { name } } } } }';

describe('the gateway stops upstream work', () => {
  it('aborts every subgraph fetch at its request deadline and answers with a clean error', async () => {
    const hurried = await gatewayWith({ requestTimeoutMs: 1 });
    const response = await gql(DASHBOARD, {}, { url: hurried.url, headers: admin });
    expect(response.data?.patients ?? null).toBeNull();
    expect(codes(response)).toContain('SUBGRAPH_UNAVAILABLE');
    expect(JSON.stringify(response.errors)).not.toMatch(/127\.0\.0\.1|http:\/\//);
  });

  it('keeps serving after clients hang up in the middle of their requests', async () => {
    const gateway = await gatewayWith({});
    await Promise.all(
      Array.from({ length: 10 }, () =>
        fetch(`${gateway.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...admin },
          body: JSON.stringify({ query: DASHBOARD }),
          signal: AbortSignal.timeout(20),
        }).catch(() => undefined),
      ),
    );
    const after = await gql('{ peptides(first: 1) { totalCount } }', {}, { url: gateway.url });
    expect(after.data!.peptides.totalCount).toBeGreaterThan(0);
  });

  it('reads no subgraph answer and sends no response larger than RESPONSE_MAX_BYTES', async () => {
    const small = await gatewayWith({ maxResponseBytes: 4_096 });
    const response = await gql(DASHBOARD, {}, { url: small.url, headers: admin });
    expect(response.data?.patients ?? null).toBeNull();
    expect(response.errors!.length).toBeGreaterThan(0);
    for (const error of response.errors!) expect(error.extensions).toMatchObject({ code: 'OPERATION_LIMIT', limit: 'responseBytes', allowed: 4_096 });
    // Many small answers that add up: the gateway's own response is refused whole.
    const wide = `{ ${Array.from({ length: 8 }, (_, i) => `p${i}: peptides(first: 5) { edges { node { name summary } } }`).join(' ')} }`;
    const tooWide = await gql(wide, {}, { url: small.url, headers: admin });
    expect(tooWide.data ?? null).toBeNull();
    expect(tooWide.errors).toHaveLength(1);
    expect(tooWide.errors![0].extensions).toMatchObject({ code: 'OPERATION_LIMIT', limit: 'responseBytes', allowed: 4_096 });
    const fits = await gql('{ peptides(first: 1) { totalCount } }', {}, { url: small.url });
    expect(fits.errors).toBeUndefined();
  });
});

describe('a subgraph stops resolving once its caller is gone', () => {
  let resolved = 0;
  const Item: GraphQLObjectType = new GraphQLObjectType({
    name: 'Item',
    fields: () => ({ id: { type: GraphQLID }, child: { type: Item, resolve: (item: { id: string }) => (resolved++, { id: `${item.id}.1` }) } }),
  });
  const schema = new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields: { list: { type: new GraphQLList(Item), resolve: () => [{ id: '1' }, { id: '2' }] } } }) });
  const rootValue = undefined;
  const guarded = applyMiddleware(schema, abortGuard(schema) as never);
  const document = parse('{ list { id child { id child { id } } } }');

  it('resolves everything while the request is wanted', async () => {
    resolved = 0;
    const result = await execute({ schema: guarded, document, rootValue, contextValue: { signal: new AbortController().signal } });
    expect(result.errors).toBeUndefined();
    expect(resolved).toBe(4);
  });

  it('resolves no object field after the signal fired', async () => {
    resolved = 0;
    const result = await execute({ schema: guarded, document, rootValue, contextValue: { signal: AbortSignal.abort() } });
    expect(resolved).toBe(0);
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'REQUEST_ABANDONED' });
  });

  it('ends a subgraph request whose client closed the connection without breaking the subgraph', async () => {
    const patient = `http://127.0.0.1:${Number(process.env.TEST_PORT_BASE) + 1}/graphql`;
    const body = JSON.stringify({ query: DASHBOARD.replace(' labResults(first: 5) { edges { node { readings { code value } } } } protocols { name }', '') });
    const signature = await signedLikeTheGateway('patient', body, admin.authorization);
    await new Promise<void>((resolve) => {
      const request = http.request(patient, { method: 'POST', headers: { 'content-type': 'application/json', ...admin, [GATEWAY_SIGNATURE_HEADER]: signature } });
      request.on('error', () => resolve());
      request.end(body);
      setTimeout(() => {
        request.destroy();
        resolve();
      }, 5);
    });
    const after = await gql('{ patients(first: 1) { totalCount } }', {}, { url: patient.replace('/graphql', ''), headers: admin, signAs: { service: 'patient' } });
    expect(after.data!.patients.totalCount).toBeGreaterThan(0);
  });
});

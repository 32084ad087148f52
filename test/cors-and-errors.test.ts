// CORS (gateway/cors.ts) on a gateway of the test's own with an allowlist, and the error policy
// (shared/server/format-error.ts, shared/limits/inputs.ts): no upstream address or internals in
// any error, no field suggestions outside development, bad scalars and strings answered as
// BAD_USER_INPUT, never INTERNAL_SERVER_ERROR.
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { SUPERGRAPH_FILE } from '../gateway/compose';
import { CORS_ALLOWED_HEADERS, corsOrigins } from '../gateway/cors';
import { startGateway } from '../gateway/server';
import { DEV_ISSUER, devJwks } from '../shared/auth/dev-issuer';
import { createTokenVerifier } from '../shared/auth/verify';
import type { RunningServer } from '../shared/server/listen';
import { authHeaders, seededPatientId, testDataDir } from './support/auth';
import { codes, gatewayUrl, gql } from './support/graphql';
import { testGatewayTrust } from './support/trust';
import { freePort } from './support/stack';

const APP = 'https://app.loop.example';
const OTHER = 'https://evil.example';

let gateway: RunningServer;
let admin: Record<string, string>;
let subgraphUrls: Record<string, string>;

beforeAll(async () => {
  admin = await authHeaders('admin');
  const base = Number(process.env.TEST_PORT_BASE);
  subgraphUrls = Object.fromEntries(['patient', 'labs', 'protocols', 'wearables', 'content', 'luna'].map((name, i) => [name, `http://127.0.0.1:${base + i + 1}/graphql`]));
  gateway = await startGateway({
    host: '127.0.0.1',
    port: 0,
    supergraphSdl: readFileSync(SUPERGRAPH_FILE, 'utf8'),
    subgraphUrls,
    subgraphTimeoutMs: 2_000,
    exposeErrorDetails: false,
    verifyToken: createTokenVerifier({ jwks: await devJwks(testDataDir()), issuer: DEV_ISSUER }),
    trust: await testGatewayTrust(),
    cors: { origins: [APP], maxAgeSeconds: 600 },
  });
});
afterAll(async () => {
  await gateway?.stop();
});

describe('CORS', () => {
  it('answers an allowed origin’s preflight with methods, headers and a max age', async () => {
    const preflight = await fetch(`${gateway.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(APP);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')!.split(', ')).toEqual(expect.arrayContaining(['authorization', 'content-type', 'x-request-id']));
    expect(preflight.headers.get('access-control-max-age')).toBe('600');
    expect(preflight.headers.get('vary')).toMatch(/Origin/);
  });

  it('lets the allowed origin read the answer and its x-request-id and retry-after headers', async () => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { origin: APP, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ peptides(first: 1) { totalCount } }' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(response.headers.get('access-control-expose-headers')!.split(', ')).toEqual(expect.arrayContaining(['x-request-id', 'retry-after']));
  });

  it('lets an allowed origin run a FHIR export: Prefer and DELETE in the preflight, the status headers readable', async () => {
    const preflight = await fetch(`${gateway.url}/fhir/R4/$export-status/00000000-0000-4000-8000-000000000000`, {
      method: 'OPTIONS',
      headers: { origin: APP, 'access-control-request-method': 'DELETE', 'access-control-request-headers': 'authorization, prefer' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')!.split(', ')).toContain('DELETE');
    expect(preflight.headers.get('access-control-allow-headers')!.split(', ')).toContain('prefer');
    const response = await fetch(`${gateway.url}/fhir/R4/metadata`, { headers: { origin: APP } });
    expect(response.headers.get('access-control-expose-headers')!.split(', ')).toEqual(expect.arrayContaining(['content-location', 'x-progress', 'expires', 'retry-after']));
  });

  it('gives any other origin no CORS headers at all', async () => {
    const preflight = await fetch(`${gateway.url}/graphql`, { method: 'OPTIONS', headers: { origin: OTHER, 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(403);
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { origin: OTHER, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ peptides(first: 1) { totalCount } }' }),
    });
    for (const headers of [preflight.headers, response.headers]) {
      expect([...headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
    }
  });

  it('refuses a browser WebSocket from another origin and accepts the allowed one and non-browser clients', async () => {
    const opens = (origin?: string) =>
      new Promise<number | 'open'>((resolve) => {
        const socket = new WebSocket(`${gateway.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', origin ? { origin } : {});
        socket.on('open', () => {
          socket.close();
          resolve('open');
        });
        socket.on('unexpected-response', (_request, response) => resolve(response.statusCode!));
        socket.on('error', () => undefined);
      });
    expect(await opens(OTHER)).toBe(401);
    expect(await opens(APP)).toBe('open');
    expect(await opens()).toBe('open');
    // The gateway's own pages (the web app at /app/) are not cross-origin.
    expect(await opens(gateway.url)).toBe('open');
  });

  it('adds the gateway’s own origin and the web dev server’s in development only', () => {
    expect(corsOrigins([APP], true, 4000)).toEqual(expect.arrayContaining([APP, 'http://127.0.0.1:4000', 'http://localhost:4000', 'http://localhost:5173', 'http://127.0.0.1:5173']));
    expect(corsOrigins([APP], false, 4000)).toEqual([APP]);
    expect(CORS_ALLOWED_HEADERS).toContain('authorization');
  });
});

describe('errors tell the client what it did, and nothing about our insides', () => {
  const patient = seededPatientId(3);

  it('suggests no field names outside development', async () => {
    const response = await gql('{ peptides(first: 1) { totalCont } }', {}, { url: gateway.url });
    expect(codes(response)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(response.errors![0].message).not.toMatch(/Did you mean/);
    const viaStack = await gql('{ patientz { id } }');
    expect(JSON.stringify(viaStack.errors)).not.toMatch(/Did you mean/);
  });

  it('answers an invalid DateTime, Date or id with BAD_USER_INPUT, through the gateway', async () => {
    const stats = 'query($id: ID!, $from: Date) { patient(id: $id) { wearableDailyStats(from: $from) { day } } }';
    const badDate = await gql(stats, { id: patient, from: '2025-13-45' }, { headers: admin });
    expect(codes(badDate)).toEqual(['BAD_USER_INPUT']);
    const readings = 'query($id: ID!, $from: DateTime) { patient(id: $id) { wearableReadings(from: $from) { totalCount } } }';
    const badInstant = await gql(readings, { id: patient, from: 'yesterday-ish' }, { headers: admin });
    expect(codes(badInstant)).toEqual(['BAD_USER_INPUT']);
    expect(codes(await gql('query($id: ID!) { patient(id: $id) { id } }', { id: 'not-a-uuid' }, { headers: admin }))).toEqual(['BAD_USER_INPUT']);
    for (const response of [badDate, badInstant]) expect(JSON.stringify(response)).not.toMatch(/127\.0\.0\.1|localhost|http:\/\/|prisma|SELECT /i);
  });

  it('answers a NUL byte in a string with BAD_USER_INPUT and writes nothing', async () => {
    const update = 'mutation($id: ID!, $phone: String) { updatePatientProfile(id: $id, input: { phone: $phone }) { phone } }';
    const before = await gql('query($id: ID!) { patient(id: $id) { phone } }', { id: patient }, { headers: admin });
    const response = await gql(update, { id: patient, phone: 'call\u0000me' }, { headers: admin });
    expect(codes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors![0].extensions!.argument).toBe('$phone');
    const literal = await gql(`mutation { updatePatientProfile(id: "${patient}", input: { phone: "call\\u0000me" }) { phone } }`, {}, { headers: admin });
    expect(codes(literal)).toEqual(['BAD_USER_INPUT']);
    const after = await gql('query($id: ID!) { patient(id: $id) { phone } }', { id: patient }, { headers: admin });
    expect(after.data).toEqual(before.data);
  });

  it('names no internal address when a subgraph is down or answers an error status', async () => {
    const down = await startGateway({
      host: '127.0.0.1',
      port: 0,
      supergraphSdl: readFileSync(SUPERGRAPH_FILE, 'utf8'),
      subgraphUrls: { ...subgraphUrls, labs: `http://127.0.0.1:${await freePort()}/graphql`, content: `${gatewayUrl()}/healthz-is-not-graphql` },
      subgraphTimeoutMs: 2_000,
      exposeErrorDetails: true,
      verifyToken: createTokenVerifier({ jwks: await devJwks(testDataDir()), issuer: DEV_ISSUER }),
    trust: await testGatewayTrust(),
    });
    try {
      const response = await gql(`{ patient(id: "${patient}") { labResults { totalCount } protocols { items { peptide { name } } } } peptides(first: 1) { totalCount } }`, {}, { url: down.url, headers: admin });
      expect(response.errors!.length).toBeGreaterThan(0);
      const text = JSON.stringify(response.errors);
      expect(text).not.toMatch(/127\.0\.0\.1|localhost|http:\/\/|ECONNREFUSED/);
      expect(response.errors!.map((error) => error.extensions!.code)).toEqual(expect.arrayContaining(['SUBGRAPH_UNAVAILABLE']));
    } finally {
      await down.stop();
    }
  });
});

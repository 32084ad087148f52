// Tokens (issue 13, item 5): `exp` is required, lifetimes are bounded, `iat` may not be in the
// future, issuer and audience are checked, at the gateway and again at a subgraph; a subscription
// ends when its connection's token expires; partner token requests share one limiter, whichever
// way they come (POST /oauth/token or issuePartnerToken).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { importJWK, SignJWT, type JWTPayload } from 'jose';
import { SUPERGRAPH_FILE } from '../gateway/compose';
import { startGateway } from '../gateway/server';
import { DEV_ISSUER, devJwks, ensureDevKey } from '../shared/auth/dev-issuer';
import { createTokenVerifier, DEFAULT_TOKEN_AUDIENCE } from '../shared/auth/verify';
import { DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, DEFAULT_TOKEN_REQUESTS_PER_MINUTE } from '../shared/config';
import type { RunningServer } from '../shared/server/listen';
import { authHeaders, seededPatientId, tokenFor, testDataDir } from './support/auth';
import { codes, gatewayUrl, gql } from './support/graphql';
import { freePort, ROOT, TSX } from './support/stack';
import { testGatewayTrust } from './support/trust';
import { collect, eventually, wsClient } from './support/ws';
import { RedisRateLimiter } from '../shared/limits/rate-limit';
import { tokenRequestKey } from '../subgraphs/patient/partners';
import { startTestGateway } from './support/gateway';

const PATIENT = seededPatientId(22);
const QUERY = 'query($id: ID!) { patient(id: $id) { firstName email } }';
const patientSubgraph = () => `http://127.0.0.1:${Number(process.env.TEST_PORT_BASE) + 1}`;

/** A token signed with the stack's real dev key, with exactly these claims (no defaults filled in). */
async function devSigned(claims: JWTPayload): Promise<string> {
  const key = await ensureDevKey(testDataDir());
  return new SignJWT({ publicMetadata: { adminRole: 'admin' }, ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .sign(await importJWK(key.privateJwk, 'RS256'));
}

const now = () => Math.floor(Date.now() / 1000);
const good = (): JWTPayload => ({ iss: DEV_ISSUER, sub: 'user_token_test', aud: DEFAULT_TOKEN_AUDIENCE, iat: now(), exp: now() + 600 });

describe('token checks', () => {
  const cases: [string, () => JWTPayload, RegExp][] = [
    ['without exp', () => ({ ...good(), exp: undefined }), /no expiry/],
    ['living longer than the maximum (from iat)', () => ({ ...good(), exp: now() + DEFAULT_MAX_TOKEN_LIFETIME_SECONDS + 60 }), /lives longer than the 43200 s/],
    ['living longer than the maximum (from now, without iat)', () => ({ ...good(), iat: undefined, exp: now() + DEFAULT_MAX_TOKEN_LIFETIME_SECONDS + 60 }), /lives longer/],
    ['issued in the future', () => ({ ...good(), iat: now() + 120 }), /issued in the future/],
    ['for another audience', () => ({ ...good(), aud: 'https://other-api.example' }), /another audience/],
    ['without an audience', () => ({ ...good(), aud: undefined }), /another audience/],
    ['from another issuer', () => ({ ...good(), iss: 'https://issuer.example' }), /issuer this server does not accept/],
  ];

  it('accepts the control token (real key, every claim right)', async () => {
    const response = await gql(QUERY, { id: PATIENT }, { headers: { authorization: `Bearer ${await devSigned(good())}` } });
    expect(response.errors ?? []).toEqual([]);
    expect(response.data!.patient.firstName).toEqual(expect.any(String));
  });

  it.each(cases)('refuses a token %s at the gateway: 401 UNAUTHENTICATED, no data', async (_name, claims, message) => {
    const response = await gql(QUERY, { id: PATIENT }, { headers: { authorization: `Bearer ${await devSigned(claims())}` } });
    expect(response.status).toBe(401);
    expect(codes(response)).toEqual(['UNAUTHENTICATED']);
    expect(response.errors![0].message).toMatch(message);
    expect(response.data ?? null).toBeNull();
  });

  it.each(cases)('refuses a token %s at a subgraph too, in a request the gateway signed', async (_name, claims, message) => {
    const response = await gql(QUERY.replace(' email', ''), { id: PATIENT }, {
      url: patientSubgraph(),
      headers: { authorization: `Bearer ${await devSigned(claims())}` },
      signAs: { service: 'patient' },
    });
    expect(response.status).toBe(401);
    expect(codes(response)).toEqual(['UNAUTHENTICATED']);
    expect(response.errors![0].message).toMatch(message);
    expect(response.data ?? null).toBeNull();
  });

  it('still serves afterwards', async () => {
    const response = await gql(QUERY, { id: PATIENT }, { headers: await authHeaders('admin') });
    expect(response.errors ?? []).toEqual([]);
  });

  it('has every signer of the platform make tokens the graph accepts: the dev issuer, the CLI, the test helper', async () => {
    const cli = execFileSync(TSX, [path.join(ROOT, 'scripts/token.ts'), '--role', 'admin', '--ttl', '8h'], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '', DATA_DIR: testDataDir() },
      encoding: 'utf8',
    }).trim();
    for (const token of [cli, await tokenFor('staff'), await tokenFor('customer', { patientIndex: 22 })]) {
      const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
      expect(claims).toMatchObject({ iss: DEV_ISSUER, aud: DEFAULT_TOKEN_AUDIENCE, exp: expect.any(Number), iat: expect.any(Number) });
      const response = await gql('{ me { id } }', {}, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
    }
  });

  it('has the token CLI refuse a lifetime the graph would not accept, saying why', () => {
    let stderr = '';
    try {
      execFileSync(TSX, [path.join(ROOT, 'scripts/token.ts'), '--role', 'admin', '--ttl', '2d'], {
        cwd: ROOT,
        env: { ...process.env, NODE_OPTIONS: '', DATA_DIR: testDataDir() },
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (error) {
      stderr = String((error as { stderr?: string }).stderr);
    }
    expect(stderr).toMatch(/--ttl 2d is longer than the 43200 s the graph accepts \(AUTH_MAX_TOKEN_LIFETIME_SECONDS\)/);
  });
});

describe('a subscription whose token expires', () => {
  it('ends: the socket closes with 4401 "the token has expired", and the stack keeps serving', async () => {
    const admin = await authHeaders('admin', { ttl: '3s' });
    let closed: { code: number; reason: string } | null = null;
    const client = wsClient(admin.authorization, gatewayUrl(), (code, reason) => (closed = { code, reason }));
    const stream = collect(client, 'subscription($p: ID!) { wearableReadingAdded(patientId: $p) { value } }', { p: PATIENT });
    try {
      await eventually(async () => closed !== null, 10_000, 'the socket to close when the token expires');
      expect(closed).toEqual({ code: 4401, reason: 'Unauthorized: the token has expired' });
      await eventually(async () => stream.error !== undefined || stream.completed, 2_000, 'the subscription to end');
      const response = await gql(QUERY, { id: PATIENT }, { headers: await authHeaders('admin') });
      expect(response.errors ?? []).toEqual([]);
    } finally {
      stream.dispose();
      await client.dispose();
    }
  });
});

describe('partner token requests', () => {
  // A gateway of the test's own behind a "proxy" (loopback is trusted), so this test is a client
  // of its own address and its requests do not use up the limit of the other tests' 127.0.0.1.
  let gateway: RunningServer;
  beforeAll(async () => {
    // Not port 0: /oauth/token calls the gateway's own port.
    gateway = await startTestGateway({ port: await freePort(), trustOptions: { trustedProxies: ['loopback'] } });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('share one limit per client address, whether sent to POST /oauth/token or as issuePartnerToken', async () => {
    const client = `2001:db8::${Math.floor(Math.random() * 0xffff).toString(16)}:${Math.floor(Math.random() * 0xffff).toString(16)}`;
    const headers = { 'x-forwarded-for': client };
    const viaEndpoint = () =>
      fetch(`${gateway.url}/oauth/token`, { method: 'POST', headers, body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'lhp_nobody', client_secret: 'wrong' }) });
    const viaGraph = () => gql('mutation { issuePartnerToken(clientId: "lhp_nobody", clientSecret: "wrong") { accessToken } }', {}, { url: gateway.url, headers });
    // Half the limit each way: every one of them refused for its credentials, none for the rate.
    for (let i = 0; i < DEFAULT_TOKEN_REQUESTS_PER_MINUTE; i++) {
      if (i % 2 === 0) expect((await viaEndpoint()).status).toBe(401);
      else expect(codes(await viaGraph())).toEqual(['UNAUTHENTICATED']);
    }
    const endpoint = await viaEndpoint();
    expect(endpoint.status).toBe(429);
    expect(Number(endpoint.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await endpoint.json()).toMatchObject({ error: 'slow_down' });
    const graph = await viaGraph();
    expect(codes(graph)).toEqual(['RATE_LIMITED']);
    expect(graph.errors![0].extensions).toMatchObject({ retryAfter: expect.any(Number) });
    // Another address is not affected, and the stack serves.
    expect(codes(await gql('mutation { issuePartnerToken(clientId: "lhp_nobody", clientSecret: "wrong") { accessToken } }', {}, { url: gateway.url, headers: { 'x-forwarded-for': '198.51.100.77' } }))).toEqual(['UNAUTHENTICATED']);
    expect((await fetch(`${gatewayUrl()}/healthz`)).status).toBe(200);
  });
});

// Replicas share the limit only through Redis: this runs in the CI pass that sets REDIS_URL.
const withRedis = process.env.REDIS_URL ? describe : describe.skip;

withRedis('with REDIS_URL, the partner token-request limit', () => {
  it('is counted in Redis, where another replica adds to the same count', async () => {
    const client = `2001:db8::1:${Math.floor(Math.random() * 0xffff).toString(16)}`;
    const base = Number(process.env.TEST_PORT_BASE);
    const gateway = await startGateway({
      host: '127.0.0.1',
      port: await freePort(),
      supergraphSdl: readFileSync(SUPERGRAPH_FILE, 'utf8'),
      subgraphUrls: Object.fromEntries(['patient', 'labs', 'protocols', 'wearables', 'content', 'luna'].map((name, i) => [name, `http://127.0.0.1:${base + i + 1}/graphql`])),
      subgraphTimeoutMs: 5_000,
      exposeErrorDetails: false,
      verifyToken: createTokenVerifier({ jwks: await devJwks(testDataDir()), issuer: DEV_ISSUER }),
      trust: await testGatewayTrust({ trustedProxies: ['loopback'] }),
    });
    const replica = new RedisRateLimiter(process.env.REDIS_URL!);
    try {
      const response = await fetch(`${gateway.url}/oauth/token`, {
        method: 'POST',
        headers: { 'x-forwarded-for': client },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'lhp_nobody', client_secret: 'wrong' }),
      });
      expect(response.status).toBe(401);
      // What another patient replica sees for the same address: the stack's one request, plus its own.
      const seen = await replica.hit(tokenRequestKey(client), DEFAULT_TOKEN_REQUESTS_PER_MINUTE);
      expect(seen.remaining).toBe(DEFAULT_TOKEN_REQUESTS_PER_MINUTE - 2);
    } finally {
      await replica.close();
      await gateway.stop();
    }
  });
});

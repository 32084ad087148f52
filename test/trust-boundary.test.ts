// One trust boundary (issue 13, item 4): subgraphs answer only requests the gateway signed, and
// what the audit trail says about a request (its id, the client's address, the operation) comes
// from the gateway, never from a client's headers. Each attack is sent to a subgraph directly
// and through the gateway; each asserts the clear error, that nothing ran or was written, and
// that the stack still serves.
import { randomUUID } from 'node:crypto';
import { generateKeyPair, exportJWK } from 'jose';
import WebSocket from 'ws';
import { createGatewaySigner } from '../gateway/trust/sign';
import { loadConfig } from '../shared/config';
import type { RunningServer } from '../shared/server/listen';
import { GATEWAY_HOP_HEADER, GATEWAY_SIGNATURE_HEADER, GATEWAY_SOCKET_PARAM } from '../shared/trust/envelope';
import { gatewaySigningKey } from '../shared/trust/keys';
import { authHeaders, seededPatientId, testDataDir } from './support/auth';
import { codes, gatewayUrl, gql } from './support/graphql';
import { startTestGateway } from './support/gateway';

const base = () => Number(process.env.TEST_PORT_BASE);
const SUBGRAPHS = ['patient', 'labs', 'protocols', 'wearables', 'content', 'luna'] as const;
const subgraphUrl = (name: (typeof SUBGRAPHS)[number]) => `http://127.0.0.1:${base() + SUBGRAPHS.indexOf(name) + 1}`;
const PATIENT = seededPatientId(21);
const NOT_FROM_GATEWAY = /only requests the gateway signed/;

/** A partner token for a fresh support credential (reads every patient's profile through the gateway's allowlist). */
async function partnerToken(): Promise<string> {
  const created = await gql(
    'mutation { createPartnerCredential(input: { name: "Trust test", role: SUPPORT, scopes: ["profile:read"] }) { clientSecret credential { clientId } } }',
    {},
    { headers: await authHeaders('admin') },
  );
  const { clientSecret, credential } = created.data!.createPartnerCredential;
  const response = await fetch(`${gatewayUrl()}/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: credential.clientId, client_secret: clientSecret }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

async function auditRows(filter: Record<string, string>) {
  const response = await gql(
    'query($f: AuditLogFilter) { auditLog(filter: $f, first: 50) { edges { node { requestId correlationId clientIp operationName service resource decision } } } }',
    { f: filter },
    { headers: await authHeaders('admin') },
  );
  expect(response.errors ?? []).toEqual([]);
  return response.data!.auditLog.edges.map((edge: any) => edge.node);
}

async function phone(patientId: string): Promise<string | null> {
  const response = await gql('query($id: ID!) { patient(id: $id) { phone } }', { id: patientId }, { headers: await authHeaders('admin') });
  return response.data!.patient.phone;
}

async function stillServing(): Promise<void> {
  expect((await fetch(`${gatewayUrl()}/healthz`)).status).toBe(200);
  expect((await fetch(`${gatewayUrl()}/readyz`)).status).toBe(200);
  const response = await gql('query($id: ID!) { patient(id: $id) { id labResults { totalCount } } }', { id: PATIENT }, { headers: await authHeaders('admin') });
  expect(response.errors ?? []).toEqual([]);
  expect(response.data!.patient.id).toBe(PATIENT);
}

/** POSTs `body` to a subgraph with exactly these headers. */
async function post(url: string, body: string, headers: Record<string, string>) {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, headers: response.headers, ...((await response.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] }) };
}

describe('a subgraph called directly', () => {
  it.each(SUBGRAPHS)('%s answers 401 UNAUTHENTICATED to a request the gateway did not sign, even `_service { sdl }`', async (name) => {
    const response = await gql('{ _service { sdl } }', {}, { url: subgraphUrl(name) });
    expect(response.status).toBe(401);
    expect(codes(response)).toEqual(['UNAUTHENTICATED']);
    expect(response.errors![0].message).toMatch(NOT_FROM_GATEWAY);
    expect(response.data ?? null).toBeNull();
    // Health stays open for probes and orchestrators.
    expect((await fetch(`${subgraphUrl(name)}/healthz`)).status).toBe(200);
  });

  it("refuses a partner token sent straight to the patient subgraph's port: no patient list, past the allowlist and rate limit", async () => {
    const token = await partnerToken();
    const requestId = `forged-${randomUUID()}`;
    const response = await gql('{ patients(first: 200) { totalCount edges { node { firstName lastName email } } } }', {}, {
      url: subgraphUrl('patient'),
      headers: { authorization: `Bearer ${token}`, 'x-request-id': requestId, 'x-forwarded-for': '6.6.6.6', 'x-operation-name': 'Innocent' },
    });
    expect(response.status).toBe(401);
    expect(codes(response)).toEqual(['UNAUTHENTICATED']);
    expect(JSON.stringify(response)).not.toMatch(/firstName|email/);
    // Nothing ran: no audit row under the forged id, as request id or as correlation id.
    expect(await auditRows({ requestId })).toEqual([]);
    expect(await auditRows({ correlationId: requestId })).toEqual([]);
    await stillServing();
  });

  it('runs no mutation sent without the signature, and writes nothing', async () => {
    const before = await phone(PATIENT);
    const response = await gql('mutation($id: ID!) { updatePatientProfile(id: $id, input: { phone: "+1 555 0666" }) { phone } }', { id: PATIENT }, {
      url: subgraphUrl('patient'),
      headers: await authHeaders('admin'),
    });
    expect(response.status).toBe(401);
    expect(codes(response)).toEqual(['UNAUTHENTICATED']);
    expect(await phone(PATIENT)).toBe(before);
    await stillServing();
  });

  describe('with a signature that is not good for this request', () => {
    const query = JSON.stringify({ query: '{ patients(first: 3) { edges { node { firstName } } } }', variables: {} });
    let admin: Record<string, string>;
    let signer: ReturnType<typeof createGatewaySigner>;
    const forwarded = () => ({ requestId: randomUUID(), correlationId: null, operationName: null, clientIp: '127.0.0.1', partnerId: null, scopes: null, deadline: null });
    beforeAll(async () => {
      admin = await authHeaders('admin');
      signer = createGatewaySigner({ privateJwk: await gatewaySigningKey(loadConfig({ NODE_ENV: 'test', DATA_DIR: testDataDir() })) });
    });

    it('is answered when it is good (the control case)', async () => {
      const signature = await signer.signRequest('patient', forwarded(), { body: query, authorization: admin.authorization });
      const response = await post(subgraphUrl('patient'), query, { ...admin, [GATEWAY_SIGNATURE_HEADER]: signature });
      expect(response.status).toBe(200);
      expect(response.data.patients.edges).toHaveLength(3);
      // Nothing hashed for a revalidation the gateway never asks for, and no framework named.
      expect(response.headers.get('etag')).toBeNull();
      expect(response.headers.get('x-powered-by')).toBeNull();
    });

    const cases: [string, RegExp, () => Promise<{ url: string; body: string; headers: Record<string, string> }>][] = [
      ['made for another subgraph', /not valid/, async () => ({ url: subgraphUrl('patient'), body: query, headers: { ...admin, [GATEWAY_SIGNATURE_HEADER]: await signer.signRequest('labs', forwarded(), { body: query, authorization: admin.authorization }) } })],
      ['over another body (a replayed signature, a changed query)', /body is not the one the gateway signed/, async () => {
        const signature = await signer.signRequest('patient', forwarded(), { body: query, authorization: admin.authorization });
        return { url: subgraphUrl('patient'), body: query.replace('first: 3', 'first: 200'), headers: { ...admin, [GATEWAY_SIGNATURE_HEADER]: signature } };
      }],
      ['for another token', /Authorization header is not the one/, async () => {
        const signature = await signer.signRequest('patient', forwarded(), { body: query, authorization: (await authHeaders('customer')).authorization });
        return { url: subgraphUrl('patient'), body: query, headers: { ...admin, [GATEWAY_SIGNATURE_HEADER]: signature } };
      }],
      ['that has expired', /has expired/, async () => {
        const stale = createGatewaySigner({ privateJwk: await gatewaySigningKey(loadConfig({ NODE_ENV: 'test', DATA_DIR: testDataDir() })), ttlSeconds: -60 });
        return { url: subgraphUrl('patient'), body: query, headers: { ...admin, [GATEWAY_SIGNATURE_HEADER]: await stale.signRequest('patient', forwarded(), { body: query, authorization: admin.authorization }) } };
      }],
      ['made with another key', /not valid/, async () => {
        const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
        const attacker = createGatewaySigner({ privateJwk: { ...(await exportJWK(privateKey)), kid: (await gatewaySigningKey(loadConfig({ NODE_ENV: 'test', DATA_DIR: testDataDir() }))).kid } });
        return { url: subgraphUrl('patient'), body: query, headers: { ...admin, [GATEWAY_SIGNATURE_HEADER]: await attacker.signRequest('patient', forwarded(), { body: query, authorization: admin.authorization }) } };
      }],
      ['that is not a signature at all', /not valid/, async () => ({ url: subgraphUrl('patient'), body: query, headers: { ...admin, [GATEWAY_SIGNATURE_HEADER]: 'not.a.jws' } })],
    ];

    it.each(cases)('is refused with 401 when %s', async (_name, message, make) => {
      const attempt = await make();
      const response = await post(attempt.url, attempt.body, attempt.headers);
      expect(response.status).toBe(401);
      expect(response.errors!.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      expect(response.errors![0].message).toMatch(message);
      expect(response.data ?? null).toBeNull();
    });

    afterAll(async () => {
      await stillServing();
    });
  });

  it('closes a graphql-ws socket opened without the gateway signature (4401), or with a bad one (4403)', async () => {
    const closeCode = (params: Record<string, unknown>) =>
      new Promise<{ code: number; reason: string }>((resolve) => {
        const socket = new WebSocket(`${subgraphUrl('wearables').replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
        socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: params })));
        socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
      });
    const admin = await authHeaders('admin');
    expect(await closeCode({ authorization: admin.authorization })).toEqual({ code: 4401, reason: expect.stringMatching(/only the gateway/) });
    expect((await closeCode({ authorization: admin.authorization, [GATEWAY_SOCKET_PARAM]: 'forged' })).code).toBe(4403);
    // A socket the gateway signed for another subgraph is refused too.
    const signer = createGatewaySigner({ privateJwk: await gatewaySigningKey(loadConfig({ NODE_ENV: 'test', DATA_DIR: testDataDir() })) });
    expect((await closeCode({ [GATEWAY_SOCKET_PARAM]: await signer.signSocket('luna') })).code).toBe(4403);
    await stillServing();
  });
});

describe('through the gateway', () => {
  it('answers with its own x-request-id, on every response, and stores the client\'s only as the correlation id', async () => {
    const correlationId = `client-${randomUUID()}`;
    const response = await gql('query Readings($id: ID!) { patient(id: $id) { firstName } }', { id: PATIENT }, {
      headers: { ...(await authHeaders('admin')), 'x-request-id': correlationId, 'x-forwarded-for': '6.6.6.6', 'x-operation-name': 'Forged' },
    });
    expect(response.errors ?? []).toEqual([]);
    const requestId = response.headers.get('x-request-id')!;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestId).not.toBe(correlationId);
    const rows = await auditRows({ correlationId });
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row).toMatchObject({ requestId, correlationId, operationName: 'Readings' });
      // Not trusted: the test's client is not a configured proxy.
      expect(row.clientIp).not.toBe('6.6.6.6');
      expect(row.clientIp).toMatch(/127\.0\.0\.1/);
    }
    expect(await auditRows({ requestId: correlationId })).toEqual([]);
    for (const path of ['/healthz', '/readyz', '/no-such-page', '/.well-known/jwks.json']) {
      expect((await fetch(`${gatewayUrl()}${path}`)).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
    const unauthenticated = await gql('{ me { id } }', {}, { headers: { authorization: 'Bearer garbage' } });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['too long', 'x'.repeat(129)],
    ['with characters outside letters, digits and ._:-', 'drop table; --'],
    ['with a newline smuggled in (encoded)', 'abc%0d%0aSet-Cookie:x'],
  ])('drops a client x-request-id %s, and serves the request', async (_name, value) => {
    const response = await gql('query CorrelationProbe($id: ID!) { patient(id: $id) { id } }', { id: PATIENT }, { headers: { ...(await authHeaders('admin')), 'x-request-id': value } });
    expect(response.errors ?? []).toEqual([]);
    const rows = await auditRows({ requestId: response.headers.get('x-request-id')! });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row: any) => row.correlationId === null)).toBe(true);
  });

  it("ignores a client's forged hop header (the gateway's call to itself): a new request id, its own address", async () => {
    const signer = createGatewaySigner({ privateJwk: { ...(await exportJWK((await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })).privateKey)), kid: 'attacker' } });
    const hop = await signer.signHop({ requestId: 'chosen-by-attacker', correlationId: null, operationName: null, clientIp: '6.6.6.6', partnerId: null, scopes: null, deadline: null });
    const response = await gql('query($id: ID!) { patient(id: $id) { id } }', { id: PATIENT }, { headers: { ...(await authHeaders('admin')), [GATEWAY_HOP_HEADER]: hop } });
    expect(response.errors ?? []).toEqual([]);
    expect(response.headers.get('x-request-id')).not.toBe('chosen-by-attacker');
    expect(await auditRows({ requestId: 'chosen-by-attacker' })).toEqual([]);
    const rows = await auditRows({ requestId: response.headers.get('x-request-id')! });
    expect(rows.every((row: any) => row.clientIp !== '6.6.6.6')).toBe(true);
  });
});

describe('a gateway behind a trusted proxy (TRUSTED_PROXIES=loopback)', () => {
  let gateway: RunningServer;
  beforeAll(async () => {
    gateway = await startTestGateway({ trustOptions: { trustedProxies: ['loopback'] } });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it("records the address the proxy forwarded (the nearest untrusted one), not the proxy's", async () => {
    const response = await gql('query($id: ID!) { patient(id: $id) { id } }', { id: PATIENT }, {
      url: gateway.url,
      headers: { ...(await authHeaders('admin')), 'x-forwarded-for': '6.6.6.6, 198.51.100.23' },
    });
    expect(response.errors ?? []).toEqual([]);
    const rows = await auditRows({ requestId: response.headers.get('x-request-id')! });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row: any) => row.clientIp === '198.51.100.23')).toBe(true);
  });
});

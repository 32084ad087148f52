// Partner (machine) access end to end through the gateway: admins create and revoke credentials
// through the graph, partners exchange them at POST /oauth/token, run only persisted operations
// within their rate limit, role and scopes, and every access is audited under the credential.
import { createHash } from 'node:crypto';
import { PERSISTED_OPERATION_HASHES } from '../../clients/sdk/generated/persisted';
import { loadManifest } from '../partner/persisted-operations';
import { authHeaders, seededPatientId } from '../../test/support/auth';
import { codes, gatewayUrl, gql } from '../../test/support/graphql';
import { metricTotal } from '../../test/support/metrics';
import { collect, wsClient } from '../../test/support/ws';

const CREATE = `mutation($input: CreatePartnerCredentialInput!) {
  createPartnerCredential(input: $input) { clientSecret credential { id clientId role scopes rateLimitPerMinute revokedAt } }
}`;

interface Created {
  id: string;
  clientId: string;
  clientSecret: string;
}

async function createCredential(input: Record<string, unknown>): Promise<Created> {
  const response = await gql(CREATE, { input: { name: 'Acme Analytics', role: 'SUPPORT', ...input } }, { headers: await authHeaders('admin') });
  expect(response.errors ?? []).toEqual([]);
  const { clientSecret, credential } = response.data!.createPartnerCredential;
  return { id: credential.id, clientId: credential.clientId, clientSecret };
}

async function requestToken(body: Record<string, string>, basic?: { id: string; secret: string }) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) headers.authorization = `Basic ${Buffer.from(`${basic.id}:${basic.secret}`).toString('base64')}`;
  const response = await fetch(`${gatewayUrl()}/oauth/token`, { method: 'POST', headers, body: new URLSearchParams(body) });
  return { status: response.status, cacheControl: response.headers.get('cache-control'), body: (await response.json()) as Record<string, any> };
}

async function tokenFor(credential: Created): Promise<string> {
  const { status, body } = await requestToken({ grant_type: 'client_credentials', client_id: credential.clientId, client_secret: credential.clientSecret });
  expect(status).toBe(200);
  return body.access_token;
}

/** A persisted operation by hash, as a partner sends it. */
async function persisted(token: string, operationName: string, variables: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  const response = await fetch(`${gatewayUrl()}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ operationName, variables, extensions: { persistedQuery: { version: 1, sha256Hash: PERSISTED_OPERATION_HASHES[operationName] } }, ...extra }),
  });
  return { status: response.status, headers: response.headers, ...((await response.json()) as { data?: any; errors?: any[] }) };
}

describe('partner credentials', () => {
  it('are created by admins only, with the secret shown once and never readable again', async () => {
    const created = await createCredential({ scopes: ['profile', 'lab_results:read'], rateLimitPerMinute: 100 });
    expect(created.clientId).toMatch(/^lhp_/);
    expect(created.clientSecret).toMatch(/^lhs_[A-Za-z0-9_-]{43}$/);

    const staff = await gql(CREATE, { input: { name: 'x', role: 'SUPPORT' } }, { headers: await authHeaders('staff') });
    expect(codes(staff)).toEqual(['FORBIDDEN']);
    const customer = await gql('{ partnerCredentials { id } }', {}, { headers: await authHeaders('customer') });
    expect(codes(customer)).toEqual(['FORBIDDEN']);

    const listed = await gql('{ partnerCredentials { id clientId role scopes } }', {}, { headers: await authHeaders('admin') });
    expect(listed.data!.partnerCredentials).toContainEqual({ id: created.id, clientId: created.clientId, role: 'SUPPORT', scopes: ['profile', 'lab_results:read'] });
    // The schema has no field that could return a secret or its hash.
    const leak = await gql('{ partnerCredentials { secretHash } }', {}, { headers: await authHeaders('admin') });
    expect(codes(leak)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('refuses a customer role, unknown scopes and an out-of-range limit with BAD_USER_INPUT', async () => {
    const admin = await authHeaders('admin');
    const customerRole = await gql(CREATE, { input: { name: 'x', role: 'CUSTOMER' } }, { headers: admin });
    expect(customerRole.status).toBe(400); // not even a PartnerRole value
    const scope = await gql(CREATE, { input: { name: 'x', role: 'SUPPORT', scopes: ['labs'] } }, { headers: admin });
    expect(codes(scope)).toEqual(['BAD_USER_INPUT']);
    expect(scope.errors![0].extensions!.argument).toBe('input.scopes[0]');
    const limit = await gql(CREATE, { input: { name: 'x', role: 'SUPPORT', rateLimitPerMinute: 0 } }, { headers: admin });
    expect(codes(limit)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('POST /oauth/token', () => {
  let credential: Created;
  beforeAll(async () => {
    credential = await createCredential({});
  });

  it('issues a short-lived bearer token for the client credentials (HTTP Basic or form fields)', async () => {
    const basic = await requestToken({ grant_type: 'client_credentials' }, { id: credential.clientId, secret: credential.clientSecret });
    expect(basic.status).toBe(200);
    expect(basic.cacheControl).toBe('no-store');
    expect(basic.body).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    const claims = JSON.parse(Buffer.from(basic.body.access_token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ iss: 'loop-health-partners', sub: `partner:${credential.id}`, role: 'support' });
    expect(claims.exp - claims.iat).toBe(900);
  });

  it('answers OAuth errors: wrong secret 401 invalid_client, wrong grant 400, missing credentials 400', async () => {
    const wrong = await requestToken({ grant_type: 'client_credentials', client_id: credential.clientId, client_secret: `${credential.clientSecret}x` });
    expect([wrong.status, wrong.body.error]).toEqual([401, 'invalid_client']);
    const unknown = await requestToken({ grant_type: 'client_credentials', client_id: 'lhp_nobody', client_secret: 'lhs_nothing' });
    expect([unknown.status, unknown.body.error]).toEqual([401, 'invalid_client']);
    const grant = await requestToken({ grant_type: 'password', client_id: credential.clientId, client_secret: credential.clientSecret });
    expect([grant.status, grant.body.error]).toEqual([400, 'unsupported_grant_type']);
    const missing = await requestToken({ grant_type: 'client_credentials' });
    expect([missing.status, missing.body.error]).toEqual([400, 'invalid_request']);
  });
});

describe('a partner token at /graphql', () => {
  let credential: Created;
  let token: string;
  beforeAll(async () => {
    credential = await createCredential({ scopes: ['profile', 'lab_results'], rateLimitPerMinute: 1000 });
    token = await tokenFor(credential);
  });

  it('runs an allowlisted persisted operation by its hash', async () => {
    const response = await persisted(token, 'Patients', { first: 3 });
    expect(response.errors ?? []).toEqual([]);
    expect(response.data.patients.edges).toHaveLength(3);
    expect(Number(response.headers.get('ratelimit-limit'))).toBe(1000);
  });

  it('refuses free-form queries, unknown hashes and a query that does not match its hash', async () => {
    const freeForm = await gql('{ patients(first: 1) { edges { node { id } } } }', {}, { headers: { authorization: `Bearer ${token}` } });
    expect([freeForm.status, codes(freeForm)]).toEqual([403, ['FORBIDDEN']]);
    const unknownHash = await fetch(`${gatewayUrl()}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } }),
    });
    expect(unknownHash.status).toBe(403);
    const mismatch = await persisted(token, 'Patients', {}, { query: '{ auditLog { edges { node { id } } } }' });
    expect([mismatch.status, mismatch.errors![0].extensions.code]).toEqual([400, 'BAD_USER_INPUT']);
  });

  it('keeps a credential to its scopes: protocols are outside ["profile", "lab_results"]', async () => {
    const response = await persisted(token, 'PatientOverview', { id: seededPatientId(3) });
    expect(response.data.patient.firstName).toEqual(expect.any(String));
    expect(response.data.patient.labResults).not.toBeNull();
    const denied = response.errors!.filter((error: any) => error.path?.includes('protocols'));
    expect(denied.map((error: any) => error.extensions.code)).toEqual(['FORBIDDEN']);
    expect(response.data.patient.protocols).toBeNull();
  });

  it('is audited under the credential', async () => {
    const requestId = `partner-audit-${Date.now()}`;
    const response = await fetch(`${gatewayUrl()}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId },
      body: JSON.stringify({ variables: { first: 1 }, extensions: { persistedQuery: { version: 1, sha256Hash: PERSISTED_OPERATION_HASHES.Patients } } }),
    });
    expect(response.status).toBe(200);
    const audit = await gql('query($r: String!) { auditLog(filter: { correlationId: $r }) { edges { node { actorId actorRole resource decision operationName } } } }', { r: requestId }, {
      headers: await authHeaders('admin'),
    });
    expect(audit.data!.auditLog.edges.map((edge: any) => edge.node)).toContainEqual({
      actorId: `partner:${credential.id}`,
      actorRole: 'support',
      resource: 'profile',
      decision: 'ALLOW',
      operationName: 'Patients',
    });
  });

  it('may open a graphql-ws socket, but runs only persisted operations on it, within its scopes', async () => {
    let closed: number | undefined;
    const client = wsClient(`Bearer ${token}`, gatewayUrl(), (code) => (closed = code));
    const freeForm = collect(client, 'subscription($p: ID!) { wearableReadingAdded(patientId: $p) { id } }', { p: seededPatientId(3) });
    try {
      await freeForm.waitFor(1, 3_000).catch(() => undefined);
      expect(freeForm.events).toEqual([]);
      expect(freeForm.error).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
      // The credential's scopes (profile, lab_results) do not reach wearables: refused by the subgraph, and the socket stays.
      const persistedQuery = { version: 1, sha256Hash: PERSISTED_OPERATION_HASHES.WearableReadingAdded };
      const outside = await client.iterate({ query: '', variables: { patientId: seededPatientId(3) }, extensions: { persistedQuery } }).next();
      expect((outside.value as any).errors[0].extensions.code).toBe('FORBIDDEN');
      // Never closed for the refusals (4401/4403): at most the client's own normal closure once idle.
      expect([undefined, 1000]).toContain(closed);
    } finally {
      freeForm.dispose();
      await client.dispose();
    }
  });
});

describe('partner rate limits and revocation', () => {
  it('answers RATE_LIMITED with Retry-After once the per-minute limit is used up, and counts the refusal', async () => {
    const rejections = () => metricTotal(gatewayUrl(), 'rate_limit_rejections_total', { service: 'gateway', limit: 'partner_requests' });
    const rejectedBefore = await rejections();
    const credential = await createCredential({ rateLimitPerMinute: 3 });
    const token = await tokenFor(credential);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await persisted(token, 'Faqs', { first: 1 })).status);
    expect(statuses).toEqual([200, 200, 200]);
    const limited = await persisted(token, 'Faqs', { first: 1 });
    expect(limited.status).toBe(429);
    expect(limited.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await rejections()).toBe(rejectedBefore + 1);
  });

  it('stops issuing tokens at once after revocation, and refuses issued tokens within seconds', async () => {
    const credential = await createCredential({});
    const token = await tokenFor(credential);
    expect((await persisted(token, 'Faqs', { first: 1 })).status).toBe(200);
    const revoke = await gql('mutation($id: ID!) { revokePartnerCredential(id: $id) { revokedAt } }', { id: credential.id }, { headers: await authHeaders('admin') });
    expect(revoke.data!.revokePartnerCredential.revokedAt).toEqual(expect.any(String));
    const again = await requestToken({ grant_type: 'client_credentials', client_id: credential.clientId, client_secret: credential.clientSecret });
    expect([again.status, again.body.error]).toEqual([401, 'invalid_client']);
    // Subgraphs cache a credential's status for a few seconds: poll until every one has seen it.
    const deadline = Date.now() + 15_000;
    let response = await persisted(token, 'Patients', { first: 1 });
    while (!response.errors?.some((error: any) => error.extensions.code === 'UNAUTHENTICATED') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      response = await persisted(token, 'Patients', { first: 1 });
    }
    expect(response.errors!.map((error: any) => error.extensions.code)).toContain('UNAUTHENTICATED');
    expect(response.data?.patients ?? null).toBeNull();
  });
});

describe('persisted operations for first-party clients', () => {
  it('keep automatic persisted queries: a hash alone after the query was sent once', async () => {
    const query = `query AutoPersisted${Date.now()} { faqs(first: 1) { edges { node { id } } } }`;
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const send = (body: Record<string, unknown>) =>
      fetch(`${gatewayUrl()}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, extensions: { persistedQuery: { version: 1, sha256Hash } } }) }).then(
        (r) => r.json() as Promise<any>,
      );
    expect((await send({})).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await send({ query })).data.faqs.edges).toHaveLength(1);
    expect((await send({})).data.faqs.edges).toHaveLength(1);
  });

  it('the manifest holds every operation of clients/operations under the hash of its document', () => {
    const manifest = loadManifest();
    for (const [hash, operation] of Object.entries(manifest.operations)) {
      expect(createHash('sha256').update(operation.document).digest('hex')).toBe(hash);
      expect(PERSISTED_OPERATION_HASHES[operation.name]).toBe(hash);
    }
  });
});

// Identity is checked at the gateway and again in every subgraph: bad tokens and direct
// calls get nothing private, and denials are audited.
import { randomUUID } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import { DEV_ISSUER } from '../shared/auth/dev-issuer';
import { authHeaders, seededPatientId, tokenFor } from './support/auth';
import { codes, gatewayUrl, gql } from './support/graphql';

const OWN = seededPatientId(1);
const OTHER = seededPatientId(2);
const subgraphUrl = (offset: number) => `http://127.0.0.1:${Number(process.env.TEST_PORT_BASE) + offset}`;
const PATIENT_SUBGRAPH = () => subgraphUrl(1);
const LABS_SUBGRAPH = () => subgraphUrl(2);

async function forgedToken(claims: { iss?: string } = {}): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT({ publicMetadata: { adminRole: 'admin' } })
    .setProtectedHeader({ alg: 'RS256', kid: 'attacker' })
    .setIssuer(claims.iss ?? DEV_ISSUER)
    .setSubject('user_attacker')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(privateKey);
}

function unsignedToken(): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ iss: DEV_ISSUER, sub: 'user_attacker', exp: now + 3600, publicMetadata: { adminRole: 'admin' } })}.`;
}

async function auditRows(requestId: string) {
  const response = await gql(
    'query($r: String!) { auditLog(filter: { correlationId: $r }) { edges { node { resource action decision patientId service actorRole } } } }',
    { r: requestId },
    { headers: await authHeaders('admin') },
  );
  return response.data!.auditLog.edges.map((e: any) => e.node);
}

const PRIVATE_QUERY = `query($id: ID!) { patient(id: $id) { firstName email labResults { totalCount } } }`;

describe('bad tokens', () => {
  const cases: [string, () => Promise<string>][] = [
    ['signed by another key', () => forgedToken()],
    ['expired', () => tokenFor('admin', { ttl: '-1h' })],
    ['from another issuer', async () => forgedToken({ iss: 'https://evil.example' })],
    ['with alg "none"', async () => unsignedToken()],
    ['not a JWT at all', async () => 'garbage'],
  ];

  it.each(cases)('a token %s is refused by the gateway with 401 UNAUTHENTICATED and no data', async (_name, make) => {
    const response = await gql(PRIVATE_QUERY, { id: OWN }, { headers: { authorization: `Bearer ${await make()}` } });
    expect(response.status).toBe(401);
    expect(codes(response)).toEqual(['UNAUTHENTICATED']);
    expect(response.data ?? null).toBeNull();
    expect(JSON.stringify(response)).not.toContain('firstName');
  });

  // Signed as the gateway would (the signature binds the token it forwards): the subgraph checks the token itself.
  it.each(cases)('a token %s is refused by a subgraph, even in a request the gateway signed', async (_name, make) => {
    const response = await gql(PRIVATE_QUERY.replace(' labResults { totalCount }', ''), { id: OWN }, {
      url: PATIENT_SUBGRAPH(),
      headers: { authorization: `Bearer ${await make()}` },
      signAs: { service: 'patient' },
    });
    expect(response.status).toBe(401);
    expect(codes(response)).toEqual(['UNAUTHENTICATED']);
    expect(response.data ?? null).toBeNull();
  });

  it('says when a token has expired', async () => {
    const response = await gql(PRIVATE_QUERY, { id: OWN }, { headers: await authHeaders('admin', { ttl: '-1h' }) });
    expect(response.errors![0].message).toBe('The token has expired');
  });

  it('refuses an Authorization header that is not a bearer token', async () => {
    const response = await gql(PRIVATE_QUERY, { id: OWN }, { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } });
    expect(response.status).toBe(401);
    expect(codes(response)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('no token', () => {
  it('gets UNAUTHENTICATED and no private field through the gateway, audited', async () => {
    const requestId = `anon-${randomUUID()}`;
    const response = await gql(PRIVATE_QUERY, { id: OWN }, { headers: { 'x-request-id': requestId } });
    expect(codes(response)).toContain('UNAUTHENTICATED');
    expect(response.data?.patient ?? null).toBeNull();
    expect(await auditRows(requestId)).toEqual(
      expect.arrayContaining([expect.objectContaining({ resource: 'profile', action: 'read', decision: 'DENY', actorRole: 'anonymous', patientId: OWN })]),
    );
  });

  it('gets nothing private from a subgraph in a request the gateway signed, by root field or by entity reference', async () => {
    const direct = await gql('{ patients(first: 3) { edges { node { id firstName } } } }', {}, { url: PATIENT_SUBGRAPH(), signAs: { service: 'patient' } });
    expect(codes(direct)).toEqual(['UNAUTHENTICATED']);
    expect(direct.data?.patients ?? null).toBeNull();
    const entities = await gql(
      'query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Patient { labResults { totalCount } healthScore { score } } } }',
      { reps: [{ __typename: 'Patient', id: OWN }] },
      { url: LABS_SUBGRAPH(), signAs: { service: 'labs' } },
    );
    expect(codes(entities).every((code) => code === 'UNAUTHENTICATED')).toBe(true);
    expect(JSON.stringify(entities.data)).not.toMatch(/totalCount"\s*:\s*\d|score"\s*:\s*\d/);
  });

  it('still reads published content', async () => {
    const response = await gql('{ peptides(first: 2) { edges { node { name } } } }');
    expect(response.errors).toBeUndefined();
    expect(response.data!.peptides.edges).toHaveLength(2);
  });
});

describe('a customer reaching for another patient', () => {
  let customer: Record<string, string>;
  beforeAll(async () => {
    customer = await authHeaders('customer', { patientIndex: 1 });
  });

  it('sees their own record through me', async () => {
    const response = await gql('{ me { id firstName labResults { totalCount } protocols { id } conversations { totalCount } } }', {}, { headers: customer });
    expect(response.errors).toBeUndefined();
    expect(response.data!.me.id).toBe(OWN);
  });

  it('is refused the patient list, and the refusal is audited', async () => {
    const requestId = `list-${randomUUID()}`;
    const response = await gql('{ patients(first: 5) { edges { node { id firstName } } } }', {}, { headers: { ...customer, 'x-request-id': requestId } });
    expect(codes(response)).toEqual(['FORBIDDEN']);
    expect(response.errors![0].message).toMatch(/read on profile/);
    expect(response.data?.patients ?? null).toBeNull();
    expect(await auditRows(requestId)).toEqual(expect.arrayContaining([expect.objectContaining({ resource: 'profile', decision: 'DENY', patientId: null })]));
  });

  it("is refused another patient's data by entity reference sent to a subgraph (signed as the gateway would)", async () => {
    const requestId = `entities-${randomUUID()}`;
    const response = await gql(
      'query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Patient { labResults { totalCount } } } }',
      { reps: [{ __typename: 'Patient', id: OTHER }, { __typename: 'Patient', id: OWN }] },
      { url: LABS_SUBGRAPH(), headers: customer, signAs: { service: 'labs', forwarded: { correlationId: requestId } } },
    );
    expect(codes(response)).toEqual(['FORBIDDEN']);
    expect(response.data!._entities[0]).toEqual({ labResults: null });
    expect(response.data!._entities[1].labResults.totalCount).toBeGreaterThanOrEqual(0);
    const rows = await auditRows(requestId);
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ resource: 'lab_results', decision: 'DENY', patientId: OTHER, service: 'labs' }),
        expect.objectContaining({ resource: 'lab_results', decision: 'ALLOW', patientId: OWN, service: 'labs' }),
      ]),
    );
  });

  it("is refused another patient's record through nested fields", async () => {
    const admin = { headers: await authHeaders('admin') };
    const other = await gql('query($id: ID!) { patient(id: $id) { labResults(first: 1) { edges { node { id } } } } }', { id: OTHER }, admin);
    const resultId = other.data!.patient.labResults.edges[0].node.id;
    const response = await gql('query($id: ID!) { labResult(id: $id) { id patient { firstName email } readings { value } } }', { id: resultId }, { headers: customer });
    expect(codes(response)).toContain('FORBIDDEN');
    expect(response.data?.labResult ?? null).toBeNull();
    expect(JSON.stringify(response)).not.toMatch(/firstName|email"|value"/);
  });

  it('cannot change or erase the audit trail through the graph', async () => {
    const response = await gql('{ __schema { mutationType { fields { name } } } }', {}, { headers: await authHeaders('admin') });
    const names = response.data!.__schema.mutationType.fields.map((f: { name: string }) => f.name);
    expect(names.filter((name: string) => /audit|rbac/i.test(name))).toEqual([]);
  });
});

describe('shield and resolver errors', () => {
  it("keep the resolver's own code when access is allowed", async () => {
    const response = await gql('{ patient(id: "00000000-0000-4000-8000-000000000000") { id } }', {}, { headers: await authHeaders('support') });
    expect(codes(response)).toEqual(['NOT_FOUND']);
  });

  it('report FORBIDDEN naming the resource and action', async () => {
    const response = await gql('{ auditLog(first: 1) { edges { node { id } } } }', {}, { headers: await authHeaders('provider') });
    expect(response.errors![0]).toMatchObject({ extensions: { code: 'FORBIDDEN', resource: 'audit_log', action: 'read' } });
  });

  it('serve the gateway over the same keys the dev issuer publishes', async () => {
    const jwks = await (await fetch(`${gatewayUrl()}/.well-known/jwks.json`)).json();
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.keys[0].d).toBeUndefined();
  });
});

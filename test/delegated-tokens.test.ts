// Delegated tokens (shared/auth/delegation.ts) through the gateway: background work acting for a
// person reads as that person, only reads, one patient at a time, and its audit rows name it; a
// delegated token that lives too long, names no actor, is for another audience, is expired or is
// signed with any other key is refused like any bad token.
import { importJWK, SignJWT } from 'jose';
import { ensureDevKey, signDevToken } from '../shared/auth/dev-issuer';
import { DELEGATED_SCOPE, DELEGATION_ISSUER, delegationSigner, type Delegation } from '../shared/auth/delegation';
import { DEFAULT_TOKEN_AUDIENCE } from '../shared/auth/verify';
import { partnerIssuer } from '../shared/auth/partner-issuer';
import { loadConfig } from '../shared/config';
import { authHeaders, seededPatientId, testDataDir } from './support/auth';
import { codes, gql } from './support/graphql';
import { seededUserId } from '../prisma/seed/identities';

const OWN = seededPatientId(1);
const OTHER = seededPatientId(2);
/** The test stack's settings as far as its keys go: the partner (service) key is in its data folder. */
const stackConfig = () => loadConfig({ NODE_ENV: 'test', DATA_DIR: testDataDir() });

async function delegated(delegation: Partial<Delegation> = {}): Promise<Record<string, string>> {
  const sign = (await delegationSigner(stackConfig()))!;
  const token = await sign({ subject: seededUserId(1), role: 'customer', actor: 'fhir-export:test', ttlSeconds: 60, ...delegation });
  return { authorization: `Bearer ${token}` };
}

/** A token with the delegation issuer, signed with the service key, with claims of the test's choosing. */
async function handMade(claims: Record<string, unknown>, lifetime: { iat: number; exp: number }, audience = DEFAULT_TOKEN_AUDIENCE): Promise<Record<string, string>> {
  const { kid, key } = (await partnerIssuer(stackConfig()))!.signingKey;
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid })
    .setIssuer(DELEGATION_ISSUER)
    .setSubject(seededUserId(1))
    .setAudience(audience)
    .setIssuedAt(lifetime.iat)
    .setExpirationTime(lifetime.exp)
    .sign(key);
  return { authorization: `Bearer ${token}` };
}

const now = () => Math.floor(Date.now() / 1000);
const ME = 'query Me { me { id } }';

describe('a delegated token', () => {
  it('reads as the person it was made for, and its audit rows name the work acting for them', async () => {
    const response = await gql(ME, {}, { headers: await delegated() });
    expect(response.errors ?? []).toEqual([]);
    expect(response.data!.me.id).toBe(OWN);
    const read = await gql('query DelegatedRead($id: ID!) { patient(id: $id) { id firstName } }', { id: OWN }, { headers: await delegated() });
    expect(read.data!.patient.id).toBe(OWN);
    const audit = await gql(
      'query($p: ID!) { auditLog(filter: { patient: $p, resource: "profile" }, first: 20) { edges { node { actorId actorRole reason operationName } } } }',
      { p: OWN },
      { headers: await authHeaders('admin') },
    );
    const row = audit.data!.auditLog.edges.map((e: any) => e.node).find((n: any) => n.operationName === 'DelegatedRead');
    expect(row).toMatchObject({ actorId: seededUserId(1), actorRole: 'customer', reason: 'own record; by fhir-export:test' });
  });

  it('only reads: a write the person could make is refused, and so is another patient’s record', async () => {
    const headers = await delegated();
    const write = await gql('mutation($id: ID!) { updatePatientProfile(id: $id, input: { allergies: ["delegated"] }) { id } }', { id: OWN }, { headers });
    expect(codes(write)).toEqual(['FORBIDDEN']);
    expect(write.errors![0].message).toMatch(/scopes/);
    const other = await gql('query($id: ID!) { patient(id: $id) { id } }', { id: OTHER }, { headers });
    expect(codes(other)).toEqual(['FORBIDDEN']);
    // The person themself may make that write: the scope narrowed it, not the role.
    const own = await gql('mutation($id: ID!) { updatePatientProfile(id: $id, input: { allergies: ["delegated-probe"] }) { id } }', { id: OWN }, { headers: await authHeaders('customer') });
    expect(own.errors ?? []).toEqual([]);
  });

  it('reaches one patient at a time, whatever the role: a staff delegation reads a patient, not the list', async () => {
    const headers = await delegated({ subject: 'user_test_staff', role: 'staff' });
    expect((await gql('query($id: ID!) { patient(id: $id) { id } }', { id: OTHER }, { headers })).data!.patient.id).toBe(OTHER);
    expect(codes(await gql('{ patients(first: 2) { edges { node { id } } } }', {}, { headers }))).toEqual(['FORBIDDEN']);
  });

  it.each([
    ['lives longer than five minutes', { role: 'customer', scope: DELEGATED_SCOPE, act: { sub: 'fhir-export:test' } }, () => ({ iat: now(), exp: now() + 3_600 }), undefined],
    ['names no actor', { role: 'customer', scope: DELEGATED_SCOPE }, () => ({ iat: now(), exp: now() + 60 }), undefined],
    ['names no usable role', { role: 'superuser', scope: DELEGATED_SCOPE, act: { sub: 'fhir-export:test' } }, () => ({ iat: now(), exp: now() + 60 }), undefined],
    ['is issued in the future', { role: 'customer', scope: DELEGATED_SCOPE, act: { sub: 'fhir-export:test' } }, () => ({ iat: now() + 120, exp: now() + 180 }), undefined],
    ['has expired', { role: 'customer', scope: DELEGATED_SCOPE, act: { sub: 'fhir-export:test' } }, () => ({ iat: now() - 120, exp: now() - 60 }), undefined],
    ['is for another audience', { role: 'customer', scope: DELEGATED_SCOPE, act: { sub: 'fhir-export:test' } }, () => ({ iat: now(), exp: now() + 60 }), 'another-api'],
  ])('is refused when it %s', async (_case, claims, lifetime, audience) => {
    const response = await gql(ME, {}, { headers: await handMade(claims, lifetime(), audience) });
    expect(response.status).toBe(401);
    expect(codes(response)).toEqual(['UNAUTHENTICATED']);
  });

  it('is refused when signed with any key but the service key (here the dev issuer’s, which signs people’s tokens)', async () => {
    const devSigned = await signDevToken(testDataDir(), { sub: seededUserId(1) });
    const dev = await ensureDevKey(testDataDir());
    const forged = await new SignJWT({ role: 'admin', scope: DELEGATED_SCOPE, act: { sub: 'fhir-export:test' } })
      .setProtectedHeader({ alg: 'RS256', kid: dev.kid })
      .setIssuer(DELEGATION_ISSUER)
      .setSubject('user_forger')
      .setAudience(DEFAULT_TOKEN_AUDIENCE)
      .setIssuedAt(now())
      .setExpirationTime(now() + 60)
      .sign(await importJWK(dev.privateJwk, 'RS256'));
    const response = await gql(ME, {}, { headers: { authorization: `Bearer ${forged}` } });
    expect([response.status, ...codes(response)]).toEqual([401, 'UNAUTHENTICATED']);
    // The dev key's own tokens still work: it is the issuer/key pairing that was refused.
    expect((await gql(ME, {}, { headers: { authorization: `Bearer ${devSigned}` } })).data!.me.id).toBe(OWN);
  });
});

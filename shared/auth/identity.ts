// Turns a request's Authorization header into a Caller: verify the token, read the role
// claim, and for a customer find their patient record through identity_mappings.
import type { Prisma } from '../db/database';
import { ANONYMOUS, ROLES, type Caller, type Role } from './caller';
import { bearerToken, claimAt, unauthenticated, type TokenVerifier } from './verify';
import { partnerClaims } from './partner-issuer';
import { delegationClaims } from './delegation';
import type { JWTPayload } from 'jose';
import { authSettings } from '../config';

/** Where Clerk's session-token template puts the role (AUTH_ROLE_CLAIM's default). */
const DEFAULT_ROLE_CLAIM = authSettings.roleClaim.default!;

/** How long a user id → patient id mapping is reused before it is looked up again. */
export const DEFAULT_MAPPING_CACHE_MS = 60_000;
const IDENTITY_PROVIDER = 'clerk';
/** Longest a revoked partner credential's unexpired tokens keep working on one process. */
export const DEFAULT_REVOCATION_CACHE_MS = 5_000;

export interface IdentityOptions {
  verify: TokenVerifier;
  prisma: Prisma;
  roleClaim?: string;
  mappingCacheMs?: number;
}

export type ResolveCaller = (authorization: string | null | undefined) => Promise<Caller>;

export function createIdentityResolver(options: IdentityOptions): ResolveCaller {
  const roleClaim = options.roleClaim ?? DEFAULT_ROLE_CLAIM;
  const ttl = options.mappingCacheMs ?? DEFAULT_MAPPING_CACHE_MS;
  const cache = new Map<string, { patientId: string | null; expires: number }>();

  async function patientFor(userId: string): Promise<string | null> {
    const cached = cache.get(userId);
    if (cached && cached.expires > Date.now()) return cached.patientId;
    const mapping = await options.prisma.identityMapping.findUnique({
      where: { provider_externalUserId: { provider: IDENTITY_PROVIDER, externalUserId: userId } },
      select: { profileId: true },
    });
    if (cache.size > 10_000) cache.clear();
    cache.set(userId, { patientId: mapping?.profileId ?? null, expires: Date.now() + ttl });
    return mapping?.profileId ?? null;
  }

  const revokedCache = new Map<string, { revoked: boolean; expires: number }>();
  /** Revocation is checked here, not only when tokens are issued: a revoked credential stops within the cache time. */
  async function isRevoked(credentialId: string): Promise<boolean> {
    const cached = revokedCache.get(credentialId);
    if (cached && cached.expires > Date.now()) return cached.revoked;
    const credential = await options.prisma.partnerCredential.findUnique({ where: { id: credentialId }, select: { revokedAt: true } });
    const revoked = !credential || credential.revokedAt !== null;
    if (revokedCache.size > 10_000) revokedCache.clear();
    revokedCache.set(credentialId, { revoked, expires: Date.now() + Math.min(ttl, DEFAULT_REVOCATION_CACHE_MS) });
    return revoked;
  }

  async function partnerCaller(claims: JWTPayload, partner: { partnerId: string; scopes: string[] }): Promise<Caller> {
    const role = claims.role;
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role) || role === 'customer') throw unauthenticated('The partner token names no usable role');
    if (await isRevoked(partner.partnerId)) throw unauthenticated('The partner credential has been revoked');
    return { userId: claims.sub!, role: role as Role, patientId: null, partnerId: partner.partnerId, scopes: partner.scopes.length ? partner.scopes : undefined };
  }

  return async (authorization) => {
    const token = bearerToken(authorization);
    if (!token) return ANONYMOUS;
    const claims = await options.verify(token);
    const partner = partnerClaims(claims);
    if (partner) return partnerCaller(claims, partner);
    // Background work acting for a person (delegation.ts): that person, narrowed to the token's read-only scope.
    const delegated = delegationClaims(claims);
    if (delegated) {
      const patientId = delegated.role === 'customer' ? await patientFor(delegated.subject) : null;
      return { userId: delegated.subject, role: delegated.role, patientId, scopes: delegated.scopes, actor: delegated.actor };
    }
    const claimed = claimAt(claims, roleClaim);
    // A role we do not know grants nothing beyond a customer's own record.
    const role: Role = typeof claimed === 'string' && (ROLES as readonly string[]).includes(claimed) ? (claimed as Role) : 'customer';
    const userId = claims.sub!;
    return { userId, role, patientId: role === 'customer' ? await patientFor(userId) : null };
  };
}

export { unauthenticated };

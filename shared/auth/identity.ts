// Turns a request's Authorization header into a Caller: verify the token, read the role
// claim, and for a customer find their patient record through identity_mappings.
import type { Prisma } from '../db/database';
import { ANONYMOUS, ROLES, type Caller, type Role } from './caller';
import { bearerToken, claimAt, unauthenticated, type TokenVerifier } from './verify';

/** Where Clerk's session-token template puts the role. */
export const DEFAULT_ROLE_CLAIM = 'publicMetadata.adminRole';
/** How long a user id → patient id mapping is reused before it is looked up again. */
export const DEFAULT_MAPPING_CACHE_MS = 60_000;
const IDENTITY_PROVIDER = 'clerk';

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

  return async (authorization) => {
    const token = bearerToken(authorization);
    if (!token) return ANONYMOUS;
    const claims = await options.verify(token);
    const claimed = claimAt(claims, roleClaim);
    // A role we do not know grants nothing beyond a customer's own record.
    const role: Role = typeof claimed === 'string' && (ROLES as readonly string[]).includes(claimed) ? (claimed as Role) : 'customer';
    const userId = claims.sub!;
    return { userId, role, patientId: role === 'customer' ? await patientFor(userId) : null };
  };
}

export { unauthenticated };

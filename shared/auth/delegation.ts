// Delegated tokens: background work that acts for a person after their own token has expired
// (a Bulk Data export runs for minutes; a Clerk session token lives about one) reads the graph
// with a short-lived token for that person, in the manner of RFC 8693 token exchange: `sub` and
// `role` are the person's, `act.sub` names the work acting for them, `scope` lets it only read
// one patient's record at a time, and it always carries `iat` and an `exp` a few minutes later.
// It is signed with the platform's service key (the partner signing key: PARTNER_SIGNING_JWK on
// the patient subgraph, which runs the work) and verified with its public half (PARTNER_JWKS)
// under an issuer of its own, so it is never taken for a partner's token or a person's own; it
// carries our own audience (AUTH_AUDIENCE's first, as partner tokens do) and passes every check
// other tokens pass (verify.ts), with a lifetime of at most MAX_DELEGATION_TTL_SECONDS.
import { SignJWT, type JWK, type JWTPayload } from 'jose';
import type { Config } from '../config';
import { ROLES, type Role } from './caller';
import { partnerIssuer } from './partner-issuer';
import { createTokenVerifier, ownAudience, ownAudiences, unauthenticated, type TokenVerifier } from './verify';

export const DELEGATION_ISSUER = 'loop-health-delegation';
/** What a delegated token may do whatever the role's row allows: read and search one patient's record at a time. */
export const DELEGATED_SCOPE = 'patient/*.rs';
/** The longest lifetime a delegated token may have (exp − iat), whatever it says. */
export const MAX_DELEGATION_TTL_SECONDS = 300;

export interface Delegation {
  /** The person acted for: their token's subject and role. */
  subject: string;
  role: Role;
  /** The work acting for them, e.g. `fhir-export:<id>` (the `act` claim's subject). */
  actor: string;
  /** At most MAX_DELEGATION_TTL_SECONDS. */
  ttlSeconds: number;
}

/** What a verified delegated token says: the person, the actor, and the scopes that narrow the person's row. */
export interface DelegatedClaims {
  subject: string;
  role: Role;
  actor: string;
  scopes: string[];
}

export type DelegationSigner = (delegation: Delegation) => Promise<string>;

/** Signs delegated tokens with the service key; null where there is none (production without PARTNER_SIGNING_JWK). */
export async function delegationSigner(config: Pick<Config, 'env' | 'dataDir' | 'partner' | 'tokens'>): Promise<DelegationSigner | null> {
  const issuer = await partnerIssuer(config);
  if (!issuer) return null;
  const { kid, key } = issuer.signingKey;
  const audience = ownAudience(config.tokens.audience);
  return async (delegation) => {
    const ttl = Math.min(delegation.ttlSeconds, MAX_DELEGATION_TTL_SECONDS);
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ role: delegation.role, scope: DELEGATED_SCOPE, act: { sub: delegation.actor } })
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .setIssuer(DELEGATION_ISSUER)
      .setSubject(delegation.subject)
      .setAudience(audience)
      .setIssuedAt(now)
      .setExpirationTime(now + ttl)
      .sign(key);
  };
}

/** The delegation a verified token carries; null for any other token. */
export function delegationClaims(claims: JWTPayload): DelegatedClaims | null {
  if (claims.iss !== DELEGATION_ISSUER) return null;
  const actor = (claims.act as { sub?: unknown } | undefined)?.sub;
  const role = claims.role;
  if (typeof claims.sub !== 'string' || typeof actor !== 'string' || typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) return null;
  return { subject: claims.sub, role: role as Role, actor, scopes: typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [] };
}

/** Verifies delegated tokens with the service key's public half (PARTNER_JWKS): every check of verify.ts, and iat, a short life, an actor. */
export function delegatedTokenVerifier(jwks: { keys: JWK[] }, config: Pick<Config, 'tokens'>): TokenVerifier {
  const verify = createTokenVerifier({
    jwks,
    issuer: DELEGATION_ISSUER,
    audience: ownAudiences(config.tokens.audience),
    maxLifetimeSeconds: MAX_DELEGATION_TTL_SECONDS,
    clockToleranceSeconds: config.tokens.clockSkewSeconds,
  });
  return async (token) => {
    const payload = await verify(token);
    // Its lifetime counts from iat: a delegated token without one is refused, not measured from now.
    if (typeof payload.iat !== 'number') throw unauthenticated('A delegated token must say when it was issued (iat)');
    if (!delegationClaims(payload)) throw unauthenticated('The delegated token names no usable role or actor');
    return payload;
  };
}

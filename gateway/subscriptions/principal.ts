// Who holds a streaming connection (graphql-ws socket or SSE stream): the bearer token is
// verified once when the connection opens, and the connection ends when that token expires.
// Partner credentials may stream too, under the same rule as over HTTP (gateway/partner):
// only persisted operations from the manifest, by hash; their scopes then decide, in every
// subgraph, what they may subscribe to.
import { createHash } from 'node:crypto';
import { getOperationAST, GraphQLError, parse } from 'graphql';
import type { JWTPayload } from 'jose';
import { bearerToken, type TokenVerifier } from '../../shared/auth/verify';
import { partnerClaims } from '../../shared/auth/partner-issuer';
import { ErrorCode } from '../../shared/graphql/errors';
import type { LimitTier } from '../../shared/limits/tiers';
import type { RateLimiter } from '../../shared/limits/rate-limit';
import { documentHash, type Manifest } from '../partner/persisted-operations';
import { FALLBACK_PARTNER_RATE_LIMIT_PER_MINUTE } from '../partner/access';

export interface Principal {
  /** Who this is, as GatewayContext.principal spells it (`partner:<credential>` or `user:<iss>:<sub>`): the caps' key. */
  key: string;
  authorization: string;
  tier: LimitTier;
  /** When the token expires (ms since the epoch). */
  expiresAtMs: number;
  partnerId: string | null;
  scopes: string[] | null;
  /**
   * Everything in the token that can change what the subgraphs answer (who, role, scopes,
   * actor…: every claim but its timing and id), hashed: subscribers with the same selection
   * and this same value share one resolution of each event (fanout.ts).
   */
  authorizationContext: string;
  /** A partner credential's request rate (its token's `rpm`), counted under the same key as over POST /graphql. */
  partnerRate: { key: string; perMinute: number } | null;
}

/** Claims that only say when a token was made or which token it is: two tokens differing only in these are the same caller. */
const TOKEN_INSTANCE_CLAIMS = new Set(['iat', 'exp', 'nbf', 'jti', 'sid']);

function authorizationContextOf(claims: JWTPayload): string {
  const kept = Object.keys(claims)
    .filter((name) => !TOKEN_INSTANCE_CLAIMS.has(name))
    .sort()
    .map((name) => [name, claims[name]]);
  return createHash('sha256').update(JSON.stringify(kept)).digest('base64url');
}

export type Refusal = { refused: 'missing' | 'invalid'; message: string };

export interface PrincipalOptions {
  verifyToken: TokenVerifier;
  tierOf(claims: JWTPayload): LimitTier;
}

/** The principal of an Authorization header (`Bearer <token>`), or why there is none. */
export async function principalOf(authorization: string | null | undefined, options: PrincipalOptions): Promise<Principal | Refusal> {
  let token: string | null;
  try {
    token = bearerToken(authorization || null);
  } catch {
    return { refused: 'invalid', message: 'Unauthorized: the authorization header is not "Bearer <token>"' };
  }
  if (!token) return { refused: 'missing', message: 'Unauthorized: send authorization: Bearer <token>' };
  let claims: JWTPayload;
  try {
    claims = await options.verifyToken(token);
  } catch {
    return { refused: 'invalid', message: 'Unauthorized: the token is not valid' };
  }
  const partner = partnerClaims(claims);
  return {
    key: partner ? `partner:${partner.partnerId}` : `user:${claims.iss ?? ''}:${claims.sub ?? ''}`,
    authorization: `Bearer ${token}`,
    tier: options.tierOf(claims),
    expiresAtMs: (claims.exp ?? Number.POSITIVE_INFINITY) * 1000,
    partnerId: partner?.partnerId ?? null,
    scopes: partner?.scopes ?? null,
    authorizationContext: authorizationContextOf(claims),
    partnerRate: partner ? { key: claims.sub!, perMinute: Number(claims.rpm) > 0 ? Number(claims.rpm) : FALLBACK_PARTNER_RATE_LIMIT_PER_MINUTE } : null,
  };
}

export interface StreamedRequest {
  query?: string | null;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  extensions?: Record<string, unknown> | null;
}

/**
 * For a partner: the manifest's document for the request's persisted hash, or the refusal.
 * Anyone else's request is returned as it came.
 */
export function persistedFor<R extends StreamedRequest>(principal: Principal, request: R, manifest: Manifest): R | GraphQLError {
  if (!principal.partnerId) return request;
  const hash = (request.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined)?.sha256Hash;
  const operation = typeof hash === 'string' ? manifest.operations[hash] : undefined;
  if (!operation) {
    return new GraphQLError('Partner clients may run only persisted operations: send extensions.persistedQuery.sha256Hash of an operation in the manifest', { extensions: { code: ErrorCode.FORBIDDEN } });
  }
  if (typeof request.query === 'string' && request.query !== '' && documentHash(request.query) !== hash) {
    return new GraphQLError('The query does not match its persisted hash', { extensions: { code: ErrorCode.BAD_USER_INPUT } });
  }
  return { ...request, query: operation.document, operationName: operation.name };
}

/**
 * A partner's query or mutation over a streaming transport counts in its request rate, as it
 * would over POST /graphql (gateway/partner/access.ts); a subscription does not (it is one
 * long-lived stream, capped per principal instead: caps.ts). The refusal, or null when allowed.
 */
export async function partnerRateRefusal(principal: Principal, request: { query: string; operationName?: string | null }, limiter: RateLimiter | undefined): Promise<GraphQLError | null> {
  if (!principal.partnerRate || !limiter) return null;
  let kind: string | undefined;
  try {
    kind = getOperationAST(parse(request.query), request.operationName ?? undefined)?.operation;
  } catch {
    return null; // validation answers a document that does not parse
  }
  if (kind === 'subscription') return null;
  const { key, perMinute } = principal.partnerRate;
  const rate = await limiter.hit(key, perMinute);
  if (rate.allowed) return null;
  return new GraphQLError(`Rate limit of ${perMinute} requests per minute reached; retry in ${rate.retryAfterSeconds} s`, {
    extensions: { code: ErrorCode.RATE_LIMITED, retryAfter: rate.retryAfterSeconds },
  });
}

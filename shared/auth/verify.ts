// Bearer-token verification with jose: Clerk session JWTs (networkless, with the
// instance's PEM public key, or through its JWKS URL), the local development issuer and our
// partner issuer. Every token must carry `exp`, must not live longer than the configured
// maximum (counted from `iat`, or from now without one), must not be issued in the future, and
// must name an accepted issuer and (where configured) audience. Settings: config.tokens.
import { createLocalJWKSet, createRemoteJWKSet, importSPKI, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type KeyLike } from 'jose';
import { GraphQLError } from 'graphql';
import { DEFAULT_CLOCK_SKEW_SECONDS, DEFAULT_MAX_TOKEN_LIFETIME_SECONDS } from '../config/settings';
import { ErrorCode } from '../graphql/errors';

/** Only asymmetric algorithms: a shared-secret or "none" token is refused outright. */
export const ACCEPTED_ALGORITHMS = ['RS256', 'ES256'];
/** Seconds of clock difference tolerated on exp/nbf/iat between issuer and us (AUTH_CLOCK_SKEW_SECONDS). */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = DEFAULT_CLOCK_SKEW_SECONDS;
/** The audience our own issuers (dev, partner) stamp and accept when AUTH_AUDIENCE is unset. */
export const DEFAULT_TOKEN_AUDIENCE = 'loop-health-supergraph';
/** The audience our own issuers stamp: the first configured (AUTH_AUDIENCE), else the default. */
export const ownAudience = (configured: readonly string[]): string => configured[0] ?? DEFAULT_TOKEN_AUDIENCE;
/** Audiences accepted on our own issuers' tokens: the configured ones, else the default they stamp. */
export const ownAudiences = (configured: readonly string[]): string[] => (configured.length ? [...configured] : [DEFAULT_TOKEN_AUDIENCE]);

/**
 * How long a verified token is taken as verified without checking its signature again (never past
 * its exp): the gateway and each subgraph a request reaches verify the same bearer token, and a
 * client sends it with every request. Keys do not change under it: a PEM key or an in-memory JWKS
 * is fixed for the process, and jose keeps a remote JWKS for minutes. Revocation of partner
 * credentials is checked after verification (shared/auth/identity.ts), not cached here.
 */
export const VERIFIED_TOKEN_CACHE_MS = 30_000;
/** Tokens remembered at most (the cache starts over beyond it). */
export const VERIFIED_TOKEN_CACHE_ENTRIES = 10_000;

export interface VerifierOptions {
  /** A JWKS URL (AUTH_JWKS_URL), a PEM public key (CLERK_JWT_KEY), or an in-memory JWKS (the dev issuer). */
  jwksUrl?: string;
  publicKeyPem?: string;
  jwks?: { keys: object[] };
  issuer?: string;
  /** Accepted `aud` values; empty or unset = not checked (development only: production requires AUTH_AUDIENCE). */
  audience?: string[];
  /** Accepted `azp` values (Clerk sets it to the frontend origin); empty = not checked. */
  authorizedParties?: string[];
  clockToleranceSeconds?: number;
  /** Longest accepted `exp` − `iat` (or `exp` − now without `iat`); default DEFAULT_MAX_TOKEN_LIFETIME_SECONDS. */
  maxLifetimeSeconds?: number;
}

export type TokenVerifier = (token: string) => Promise<JWTPayload>;

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } } });
}

/** What the client is told for each way a token fails (never which key or secret was tried). */
function refusal(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  const { code, claim } = error as { code?: string; claim?: string };
  if (code === 'ERR_JWT_EXPIRED') return unauthenticated('The token has expired');
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') {
    if (claim === 'exp') return unauthenticated('The token has no expiry (exp): tokens without one are refused');
    if (claim === 'iss') return unauthenticated('The token is from an issuer this server does not accept');
    if (claim === 'aud') return unauthenticated('The token was issued for another audience');
    if (claim === 'nbf') return unauthenticated('The token is not valid yet');
  }
  return unauthenticated('The token is not valid');
}

/** The checks jose leaves to us: `iat` not in the future, lifetime within the maximum. */
function checkLifetime(payload: JWTPayload, maxLifetimeSeconds: number, toleranceSeconds: number): void {
  const now = Math.floor(Date.now() / 1000);
  if (typeof payload.iat === 'number' && payload.iat > now + toleranceSeconds) throw unauthenticated('The token was issued in the future: check the issuer\'s clock');
  const lifetime = payload.exp! - (typeof payload.iat === 'number' ? payload.iat : now);
  if (lifetime > maxLifetimeSeconds) throw unauthenticated(`The token lives longer than the ${maxLifetimeSeconds} s this server accepts`);
}

export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
  let keyPromise: Promise<KeyLike | JWTVerifyGetKey>;
  if (options.publicKeyPem) keyPromise = importSPKI(options.publicKeyPem.replace(/\\n/g, '\n'), 'RS256');
  else if (options.jwks) keyPromise = Promise.resolve(createLocalJWKSet(options.jwks as never));
  else if (options.jwksUrl) keyPromise = Promise.resolve(createRemoteJWKSet(new URL(options.jwksUrl), { cooldownDuration: 30_000 }));
  else throw new Error('No token verification key: set AUTH_JWKS_URL or CLERK_JWT_KEY');
  const parties = options.authorizedParties?.filter(Boolean) ?? [];
  const audience = options.audience?.filter(Boolean) ?? [];
  const tolerance = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  const maxLifetime = options.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;

  const verified = new Map<string, { payload: JWTPayload; until: number }>();

  return async (token) => {
    const known = verified.get(token);
    if (known && Date.now() < known.until) return known.payload;
    const key = await keyPromise;
    try {
      const { payload } = await jwtVerify(token, key as never, {
        algorithms: ACCEPTED_ALGORITHMS,
        issuer: options.issuer,
        audience: audience.length ? audience : undefined,
        requiredClaims: ['exp'],
        clockTolerance: tolerance,
      });
      checkLifetime(payload, maxLifetime, tolerance);
      if (!payload.sub) throw unauthenticated('The token has no subject');
      if (parties.length && (typeof payload.azp !== 'string' || !parties.includes(payload.azp))) {
        throw unauthenticated('The token was issued for another application');
      }
      if (verified.size >= VERIFIED_TOKEN_CACHE_ENTRIES) verified.clear();
      // jose refuses a token once exp <= now - tolerance (seconds): remembered until then at the latest.
      verified.set(token, { payload, until: Math.min((payload.exp! + tolerance) * 1000, Date.now() + VERIFIED_TOKEN_CACHE_MS) });
      return payload;
    } catch (error) {
      throw refusal(error);
    }
  };
}

/** Reads a claim by dotted path, e.g. "publicMetadata.adminRole". */
export function claimAt(payload: JWTPayload, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), payload);
}

export function bearerToken(header: string | null | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>"');
  return match[1];
}

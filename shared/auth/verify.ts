// Bearer-token verification with jose: Clerk session JWTs (networkless, with the
// instance's PEM public key, or through its JWKS URL) or the local development issuer.
import { createLocalJWKSet, createRemoteJWKSet, importSPKI, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type KeyLike } from 'jose';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../graphql/errors';

/** Only asymmetric algorithms: a shared-secret or "none" token is refused outright. */
export const ACCEPTED_ALGORITHMS = ['RS256', 'ES256'];
/** Seconds of clock difference tolerated on exp/nbf/iat between issuer and us. */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 5;

export interface VerifierOptions {
  /** A JWKS URL (AUTH_JWKS_URL), a PEM public key (CLERK_JWT_KEY), or an in-memory JWKS (the dev issuer). */
  jwksUrl?: string;
  publicKeyPem?: string;
  jwks?: { keys: object[] };
  issuer?: string;
  /** Accepted `azp` values (Clerk sets it to the frontend origin); empty = not checked. */
  authorizedParties?: string[];
  clockToleranceSeconds?: number;
}

export type TokenVerifier = (token: string) => Promise<JWTPayload>;

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } } });
}

export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
  let keyPromise: Promise<KeyLike | JWTVerifyGetKey>;
  if (options.publicKeyPem) keyPromise = importSPKI(options.publicKeyPem.replace(/\\n/g, '\n'), 'RS256');
  else if (options.jwks) keyPromise = Promise.resolve(createLocalJWKSet(options.jwks as never));
  else if (options.jwksUrl) keyPromise = Promise.resolve(createRemoteJWKSet(new URL(options.jwksUrl), { cooldownDuration: 30_000 }));
  else throw new Error('No token verification key: set AUTH_JWKS_URL or CLERK_JWT_KEY');
  const parties = options.authorizedParties?.filter(Boolean) ?? [];

  return async (token) => {
    const key = await keyPromise;
    try {
      const { payload } = await jwtVerify(token, key as never, {
        algorithms: ACCEPTED_ALGORITHMS,
        issuer: options.issuer,
        clockTolerance: options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS,
      });
      if (!payload.sub) throw unauthenticated('The token has no subject');
      if (parties.length && (typeof payload.azp !== 'string' || !parties.includes(payload.azp))) {
        throw unauthenticated('The token was issued for another application');
      }
      return payload;
    } catch (error) {
      if (error instanceof GraphQLError) throw error;
      const code = (error as { code?: string }).code;
      throw unauthenticated(code === 'ERR_JWT_EXPIRED' ? 'The token has expired' : 'The token is not valid');
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

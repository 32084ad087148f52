// What a partner (machine) client may send through POST /graphql: a persisted operation from
// the manifest, by hash, within its credential's rate limit. People's tokens pass through
// through (first-party clients keep free-form operations and automatic persisted queries, and
// may send manifest operations by hash too).
import type { RequestHandler, Response } from 'express';
import { decodeJwt } from 'jose';
import { bearerToken, type TokenVerifier } from '../../shared/auth/verify';
import { PARTNER_ISSUER } from '../../shared/auth/partner-issuer';
import { ErrorCode } from '../../shared/graphql/errors';
import { documentHash, type Manifest } from './persisted-operations';
import type { RateLimiter } from '../../shared/limits/rate-limit';

/** Used when a partner token carries no limit (it always should). */
export const FALLBACK_PARTNER_RATE_LIMIT_PER_MINUTE = 60;

export interface PartnerAccessOptions {
  verifyToken: TokenVerifier;
  manifest: Manifest;
  limiter: RateLimiter;
}

export function isPartnerToken(token: string): boolean {
  try {
    return decodeJwt(token).iss === PARTNER_ISSUER;
  } catch {
    return false;
  }
}

function fillFromManifest(body: unknown, manifest: Manifest): void {
  const request = body as { query?: unknown; extensions?: { persistedQuery?: { sha256Hash?: unknown } } } | undefined;
  const hash = request?.extensions?.persistedQuery?.sha256Hash;
  const operation = typeof hash === 'string' && request!.query === undefined ? manifest.operations[hash] : undefined;
  if (operation) request!.query = operation.document;
}

export function sendGraphQLError(res: Response, status: number, code: string, message: string, extensions: Record<string, unknown> = {}): void {
  res.status(status).json({ errors: [{ message, extensions: { code, ...extensions } }] });
}

export function partnerAccess(options: PartnerAccessOptions): RequestHandler {
  return async (req, res, next) => {
    let token: string | null;
    try {
      token = bearerToken(req.headers.authorization);
    } catch {
      return next(); // the request context answers a malformed header
    }
    if (!token || !isPartnerToken(token)) {
      // Anyone may send a manifest operation by hash alone; other hashes are automatic persisted queries.
      fillFromManifest(req.body, options.manifest);
      return next();
    }
    let claims;
    try {
      claims = await options.verifyToken(token);
    } catch (error) {
      return sendGraphQLError(res, 401, ErrorCode.UNAUTHENTICATED, (error as Error).message);
    }
    const limit = Number(claims.rpm) > 0 ? Number(claims.rpm) : FALLBACK_PARTNER_RATE_LIMIT_PER_MINUTE;
    const rate = await options.limiter.hit(claims.sub!, limit);
    res.setHeader('RateLimit-Limit', String(limit));
    res.setHeader('RateLimit-Remaining', String(rate.remaining));
    if (!rate.allowed) {
      res.setHeader('Retry-After', String(rate.retryAfterSeconds));
      return sendGraphQLError(res, 429, ErrorCode.RATE_LIMITED, `Rate limit of ${limit} requests per minute reached; retry in ${rate.retryAfterSeconds} s`, {
        retryAfter: rate.retryAfterSeconds,
      });
    }
    const body = req.body as { query?: unknown; operationName?: unknown; extensions?: { persistedQuery?: { sha256Hash?: unknown } } } | undefined;
    if (req.method !== 'POST' || !body || Array.isArray(body)) {
      return sendGraphQLError(res, 403, ErrorCode.FORBIDDEN, 'Partner clients send one persisted operation per POST request');
    }
    const hash = body.extensions?.persistedQuery?.sha256Hash;
    const operation = typeof hash === 'string' ? options.manifest.operations[hash] : undefined;
    if (!operation) {
      return sendGraphQLError(res, 403, ErrorCode.FORBIDDEN, 'Partner clients may run only persisted operations: send extensions.persistedQuery.sha256Hash of an operation in the manifest');
    }
    if (typeof body.query === 'string' && documentHash(body.query) !== hash) {
      return sendGraphQLError(res, 400, ErrorCode.BAD_USER_INPUT, 'The query does not match its persisted hash');
    }
    body.query = operation.document;
    body.operationName = operation.name;
    next();
  };
}

// A subgraph's half of the trust boundary: it answers only what the gateway signed. Over HTTP,
// every /graphql request needs the gateway's signature (x-gateway-signature) for this subgraph,
// unexpired, bound to this request's body and Authorization header: otherwise 401 before the
// body is even read, and nothing runs. Over graphql-ws, the socket's connection_init must carry
// the gateway's signature (close 4401 without one, 4403 with a bad one). Request id, correlation
// id, operation name, client address and deadline are taken from the signed claims only.
// /healthz and /metrics are outside /graphql and stay open. A gateway in the subgraph's own
// process calls it without a socket, so without a signature (shared/server/in-process.ts).
import type { IncomingMessage } from 'node:http';
import type { RequestHandler, Response } from 'express';
import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import { DEFAULT_CLOCK_SKEW_SECONDS } from '../config/settings';
import { ErrorCode } from '../graphql/errors';
import {
  forwardedOf,
  GATEWAY_ISSUER,
  GATEWAY_SIGNATURE_HEADER,
  GATEWAY_SOCKET_PARAM,
  sha256url,
  SIGNATURE_ALGORITHM,
  SIGNATURE_TYPE,
  type ForwardedClaims,
  type ForwardedRequest,
  type SignatureUse,
} from '../trust/envelope';

export interface GatewayVerifierOptions {
  /** The gateway's public keys (GATEWAY_JWKS, or the development key's public half). */
  jwks: { keys: JWK[] };
  /** Clock difference tolerated on iat/exp (AUTH_CLOCK_SKEW_SECONDS); default DEFAULT_CLOCK_SKEW_SECONDS. */
  clockSkewSeconds?: number;
}

export class GatewaySignatureError extends Error {}

export interface GatewayVerifier {
  /** The claims of a signature made for `audience` and `use`; throws GatewaySignatureError naming what is wrong. */
  verify(signature: string, audience: string, use: SignatureUse): Promise<ForwardedClaims>;
}

export function createGatewayVerifier(options: GatewayVerifierOptions): GatewayVerifier {
  const keys = createLocalJWKSet(options.jwks as never);
  return {
    async verify(signature, audience, use) {
      let claims: ForwardedClaims;
      try {
        ({ payload: claims } = (await jwtVerify(signature, keys, {
          algorithms: [SIGNATURE_ALGORITHM],
          typ: SIGNATURE_TYPE,
          issuer: GATEWAY_ISSUER,
          audience,
          requiredClaims: ['exp', 'iat'],
          clockTolerance: options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS,
        })) as unknown as { payload: ForwardedClaims });
      } catch (error) {
        throw new GatewaySignatureError((error as { code?: string }).code === 'ERR_JWT_EXPIRED' ? 'The gateway signature has expired' : 'The gateway signature is not valid');
      }
      if (claims.use !== use || (use !== 'socket' && typeof claims.rid !== 'string')) throw new GatewaySignatureError('The gateway signature is not valid');
      return claims;
    },
  };
}

/** The refusal every unsigned or mis-signed request gets: 401, one UNAUTHENTICATED error, nothing executed. */
function refuse(res: Response, message: string): void {
  res.status(401).json({ errors: [{ message, extensions: { code: ErrorCode.UNAUTHENTICATED } }] });
}

export const NOT_FROM_GATEWAY = 'This service answers only requests the gateway signed: send your request to the gateway';

export interface SignedRequests {
  /** Before the body is read: a valid signature for this service, bound to this Authorization header. */
  checkSignature: RequestHandler;
  /** express.json's `verify` hook: hashes the exact bytes received. */
  hashBody(req: IncomingMessage, res: unknown, body: Buffer): void;
  /** After the body is read: its hash is the one signed. */
  checkBody: RequestHandler;
}

const SIGNED = 'gatewaySignature';

/** The signed request's claims, once checkSignature and checkBody have let it through. */
export function forwardedRequestOf(res: Response): ForwardedRequest {
  const claims = res.locals[SIGNED] as ForwardedClaims | undefined;
  if (!claims) throw new Error('forwardedRequestOf: the request did not pass the gateway signature check');
  return forwardedOf(claims);
}

export function signedRequests(options: { verifier: GatewayVerifier; service: string }): SignedRequests {
  const bodyHashes = new WeakMap<IncomingMessage, string>();
  return {
    checkSignature: async (req, res, next) => {
      const signature = req.headers[GATEWAY_SIGNATURE_HEADER];
      if (typeof signature !== 'string' || !signature) return refuse(res, NOT_FROM_GATEWAY);
      let claims: ForwardedClaims;
      try {
        claims = await options.verifier.verify(signature, options.service, 'request');
      } catch (error) {
        return refuse(res, error instanceof GatewaySignatureError ? error.message : 'The gateway signature is not valid');
      }
      const authorization = req.headers.authorization;
      if (claims.ath !== (authorization ? sha256url(authorization) : undefined)) return refuse(res, 'The Authorization header is not the one the gateway signed');
      res.locals[SIGNED] = claims;
      next();
    },
    hashBody: (req, _res, body) => {
      bodyHashes.set(req, sha256url(body));
    },
    checkBody: (req, res, next) => {
      const claims = res.locals[SIGNED] as ForwardedClaims;
      if (!claims.bh || bodyHashes.get(req) !== claims.bh) return refuse(res, 'The request body is not the one the gateway signed');
      next();
    },
  };
}

/** Whether a graphql-ws connection_init carries the gateway's signature for this service. */
export async function socketSignature(verifier: GatewayVerifier, service: string, params: Readonly<Record<string, unknown>> | undefined): Promise<'missing' | 'invalid' | 'valid'> {
  const signature = params?.[GATEWAY_SOCKET_PARAM];
  if (typeof signature !== 'string' || !signature) return 'missing';
  try {
    await verifier.verify(signature, service, 'socket');
    return 'valid';
  } catch {
    return 'invalid';
  }
}

// What the gateway vouches for when it forwards a request to a subgraph, as signed claims: a
// compact JWS (EdDSA, jose) the gateway makes with its private key and subgraphs verify with its
// public key (gateway/trust/sign.ts, shared/server/verify-gateway.ts). Subgraphs believe request
// ids, client addresses and operation names only from here, never from a client's headers.
import { createHash } from 'node:crypto';
import type { JWTPayload } from 'jose';

/** The HTTP header that carries the signature on every request the gateway forwards. */
export const GATEWAY_SIGNATURE_HEADER = 'x-gateway-signature';
/** The graphql-ws connection_init parameter that carries the signature of a gateway's upstream socket. */
export const GATEWAY_SOCKET_PARAM = 'gatewaySignature';
/** The header on the gateway's calls to itself (the REST lab upload, /oauth/token): the outer request's identity. */
export { REQUEST_ID_HEADER } from '../graphql/http-client';
export const GATEWAY_HOP_HEADER = 'x-gateway-hop';
export const GATEWAY_ISSUER = 'loop-health-gateway';
/** The audience of a hop: the gateway itself (subgraphs are addressed by their names). */
export const GATEWAY_AUDIENCE = 'gateway';
/** Ed25519: small keys and signatures, fast to sign per subgraph fetch; the subgraphs hold only the public half. */
export const SIGNATURE_ALGORITHM = 'EdDSA';
/** The JWS `typ`: a gateway signature is never mistaken for a user's token. */
export const SIGNATURE_TYPE = 'gateway+jwt';

/** What a signature is for: one HTTP request, one upstream socket, or one of the gateway's calls to itself. */
export type SignatureUse = 'request' | 'socket' | 'hop';

/** Who asked, as the gateway established it. */
export interface ForwardedRequest {
  /** The gateway's own id for the client's request (returned to the client as x-request-id). */
  requestId: string;
  /** The client's x-request-id, if it passed the length and charset check. */
  correlationId: string | null;
  operationName: string | null;
  /** The client's address (X-Forwarded-For only from trusted proxies). */
  clientIp: string | null;
  /** The partner credential and its scopes, for partner tokens. */
  partnerId: string | null;
  scopes: string[] | null;
  /** When the gateway stops waiting (ms since the epoch). */
  deadline: number | null;
  /** A mutation fetch sent under an Idempotency-Key: its token, for the subgraph's write receipts (shared/audit/receipts.ts). */
  idempotencyToken?: string | null;
}

/** The claims on the wire (short names; absent = null). */
export interface ForwardedClaims extends JWTPayload {
  use: SignatureUse;
  rid?: string;
  cid?: string;
  op?: string;
  ip?: string;
  ptn?: string;
  scp?: string[];
  dl?: number;
  /** The fetch's idempotency token (ForwardedRequest.idempotencyToken). */
  idt?: string;
  /** SHA-256 (base64url) of the Authorization header forwarded with the request. */
  ath?: string;
  /** SHA-256 (base64url) of the request body: the signature is good for this one request only. */
  bh?: string;
}

export const sha256url = (data: string | Buffer): string => createHash('sha256').update(data).digest('base64url');

export function claimsOf(forwarded: ForwardedRequest): Omit<ForwardedClaims, 'use'> {
  const claims: Omit<ForwardedClaims, 'use'> = { rid: forwarded.requestId };
  if (forwarded.correlationId) claims.cid = forwarded.correlationId;
  if (forwarded.operationName) claims.op = forwarded.operationName;
  if (forwarded.clientIp) claims.ip = forwarded.clientIp;
  if (forwarded.partnerId) claims.ptn = forwarded.partnerId;
  if (forwarded.scopes?.length) claims.scp = forwarded.scopes;
  if (forwarded.deadline) claims.dl = forwarded.deadline;
  if (forwarded.idempotencyToken) claims.idt = forwarded.idempotencyToken;
  return claims;
}

export function forwardedOf(claims: ForwardedClaims): ForwardedRequest {
  return {
    requestId: claims.rid!,
    correlationId: claims.cid ?? null,
    operationName: claims.op ?? null,
    clientIp: claims.ip ?? null,
    partnerId: claims.ptn ?? null,
    scopes: claims.scp ?? null,
    deadline: claims.dl ?? null,
    idempotencyToken: claims.idt ?? null,
  };
}

// The gateway's half of the trust boundary: it signs what it forwards. Each subgraph request
// carries a compact JWS (jose, EdDSA) naming the request id, operation, client address, partner
// and scopes and deadline, bound to that one request by hashes of its body and Authorization
// header, with an expiry of seconds; each upstream graphql-ws socket is signed when it connects
// (graphql-ws re-sends its subscribe messages unchanged after a reconnect, so the socket is what
// gets signed there). Subgraphs check it with the public key: shared/server/verify-gateway.ts.
import { importJWK, SignJWT, type JWK, type KeyLike } from 'jose';
import { DEFAULT_GATEWAY_SIGNATURE_TTL_SECONDS } from '../../shared/config/settings';
import {
  claimsOf,
  GATEWAY_AUDIENCE,
  GATEWAY_ISSUER,
  sha256url,
  SIGNATURE_ALGORITHM,
  SIGNATURE_TYPE,
  type ForwardedClaims,
  type ForwardedRequest,
} from '../../shared/trust/envelope';

export interface GatewaySignerOptions {
  /** The gateway's private Ed25519 JWK (GATEWAY_SIGNING_JWK, or the development key). */
  privateJwk: JWK;
  /** Seconds a signature stays good (GATEWAY_SIGNATURE_TTL_SECONDS); default DEFAULT_GATEWAY_SIGNATURE_TTL_SECONDS. */
  ttlSeconds?: number;
}

export interface GatewaySigner {
  /** Signs one subgraph request: `body` is the exact JSON text sent, `authorization` the header forwarded with it. */
  signRequest(service: string, forwarded: ForwardedRequest, request: { body: string; authorization: string | null }): Promise<string>;
  /** Signs the connection_init of an upstream graphql-ws socket to `service`. */
  signSocket(service: string): Promise<string>;
  /** Signs a call the gateway makes to its own /graphql on a client's behalf (their request id and address travel along). */
  signHop(forwarded: ForwardedRequest): Promise<string>;
}

export function createGatewaySigner(options: GatewaySignerOptions): GatewaySigner {
  const ttl = options.ttlSeconds ?? DEFAULT_GATEWAY_SIGNATURE_TTL_SECONDS;
  const kid = options.privateJwk.kid;
  let key: Promise<KeyLike | Uint8Array> | undefined;
  const sign = async (audience: string, claims: ForwardedClaims) => {
    key ??= importJWK(options.privateJwk, SIGNATURE_ALGORITHM);
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: SIGNATURE_ALGORITHM, typ: SIGNATURE_TYPE, kid })
      .setIssuer(GATEWAY_ISSUER)
      .setAudience(audience)
      .setIssuedAt(now)
      .setExpirationTime(now + ttl)
      .sign(await key);
  };
  return {
    signRequest: (service, forwarded, request) =>
      sign(service, {
        use: 'request',
        ...claimsOf(forwarded),
        bh: sha256url(request.body),
        ...(request.authorization ? { ath: sha256url(request.authorization) } : {}),
      }),
    signSocket: (service) => sign(service, { use: 'socket' }),
    signHop: (forwarded) => sign(GATEWAY_AUDIENCE, { use: 'hop', ...claimsOf(forwarded) }),
  };
}

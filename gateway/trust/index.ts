// The gateway's side of the trust boundary, assembled: the signer of everything it forwards
// (sign.ts) and the identity it gives each request (request-identity.ts), whose calls to the
// gateway itself are checked with the signing key's own public half.
import type { JWK } from 'jose';
import { publicJwkOf } from '../../shared/auth/key-file';
import { GATEWAY_AUDIENCE } from '../../shared/trust/envelope';
import { createGatewayVerifier } from '../../shared/server/verify-gateway';
import { requestIdentity, type RequestIdentityPlugin } from './request-identity';
import { createGatewaySigner, type GatewaySigner } from './sign';

export interface GatewayTrustOptions {
  /** The gateway's private Ed25519 JWK (GATEWAY_SIGNING_JWK, or the development key). */
  signingJwk: JWK;
  /** GATEWAY_SIGNATURE_TTL_SECONDS; default DEFAULT_GATEWAY_SIGNATURE_TTL_SECONDS. */
  signatureTtlSeconds?: number;
  /** TRUSTED_PROXIES; default none. */
  trustedProxies?: readonly string[];
  /** CORRELATION_ID_MAX_LENGTH; default DEFAULT_CORRELATION_ID_MAX_LENGTH. */
  correlationIdMaxLength?: number;
  /** AUTH_CLOCK_SKEW_SECONDS, for checking the gateway's own hops; default DEFAULT_CLOCK_SKEW_SECONDS. */
  clockSkewSeconds?: number;
}

export interface GatewayTrust {
  signer: GatewaySigner;
  identity: RequestIdentityPlugin;
}

export function gatewayTrust(options: GatewayTrustOptions): GatewayTrust {
  const signer = createGatewaySigner({ privateJwk: options.signingJwk, ttlSeconds: options.signatureTtlSeconds });
  const ownKey = createGatewayVerifier({ jwks: { keys: [publicJwkOf(options.signingJwk)] }, clockSkewSeconds: options.clockSkewSeconds });
  const identity = requestIdentity({
    trustedProxies: options.trustedProxies,
    correlationIdMaxLength: options.correlationIdMaxLength,
    hops: {
      sign: (hop) => signer.signHop({ ...hop, operationName: null, partnerId: null, scopes: null, deadline: null }),
      async verify(signature) {
        const claims = await ownKey.verify(signature, GATEWAY_AUDIENCE, 'hop');
        return { requestId: claims.rid!, correlationId: claims.cid ?? null, clientIp: claims.ip ?? null };
      },
    },
  });
  return { signer, identity };
}

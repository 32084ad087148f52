// The gateway's signing key and the public keys subgraphs check its signatures with. Production:
// GATEWAY_SIGNING_JWK (gateway) and GATEWAY_JWKS (subgraphs), both required; development: an
// Ed25519 pair made once in DATA_DIR/gateway-trust/, like the dev issuer's key.
import path from 'node:path';
import type { JWK } from 'jose';
import type { Config } from '../config';
import { configuredOrDevKey, parsePublicJwks, publicJwkOf } from '../auth/key-file';

const KEY_FILE = 'gateway-trust/signing-key.json';

type TrustConfig = Pick<Config, 'env' | 'dataDir' | 'trust'>;

/** The gateway's private key (GATEWAY_SIGNING_JWK, or the data folder's outside production). */
export function gatewaySigningKey(config: TrustConfig): Promise<JWK> {
  return configuredOrDevKey({
    configured: config.trust.signingJwk,
    setting: 'GATEWAY_SIGNING_JWK',
    devFile: path.join(config.dataDir, KEY_FILE),
    kidPrefix: 'gateway',
    alg: 'EdDSA',
    env: config.env,
    purpose: 'the gateway signs every request it forwards with it, and subgraphs refuse unsigned ones',
  });
}

/** The public keys subgraphs accept the gateway's signatures with. */
export async function gatewayVerificationKeys(config: TrustConfig): Promise<{ keys: JWK[] }> {
  if (config.trust.jwks) return parsePublicJwks(config.trust.jwks, 'GATEWAY_JWKS');
  // One process running gateway and subgraphs, or development: the signing key's public half.
  if (config.trust.signingJwk || config.env !== 'production') return { keys: [publicJwkOf(await gatewaySigningKey(config))] };
  throw new Error("GATEWAY_JWKS is required in production: the public key subgraphs check the gateway's signatures with (npm run -s keys makes a pair)");
}

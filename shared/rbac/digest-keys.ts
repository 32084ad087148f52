// The key that signs the audit digests, and the public keys that check them. Production:
// AUDIT_DIGEST_SIGNING_JWK on the patient service (which writes the digests), required; the
// verifier needs only the public half (AUDIT_DIGEST_JWKS), so whoever audits cannot sign.
// Development: an Ed25519 pair made once in DATA_DIR/audit/.
import path from 'node:path';
import type { JWK } from 'jose';
import type { Config } from '../config';
import { configuredOrDevKey, parsePublicJwks, publicJwkOf } from '../auth/key-file';

const KEY_FILE = 'audit/digest-key.json';

type AuditConfig = Pick<Config, 'env' | 'dataDir' | 'audit'>;

export function digestSigningKey(config: AuditConfig): Promise<JWK> {
  return configuredOrDevKey({
    configured: config.audit.digestSigningJwk,
    setting: 'AUDIT_DIGEST_SIGNING_JWK',
    devFile: path.join(config.dataDir, KEY_FILE),
    kidPrefix: 'audit',
    alg: 'EdDSA',
    env: config.env,
    purpose: 'it signs the periodic digests that make changes to the audit trail detectable',
  });
}

export async function digestVerificationKeys(config: AuditConfig): Promise<{ keys: JWK[] }> {
  if (config.audit.digestJwks) return parsePublicJwks(config.audit.digestJwks, 'AUDIT_DIGEST_JWKS');
  return { keys: [publicJwkOf(await digestSigningKey(config))] };
}

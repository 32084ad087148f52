// Signing key pairs kept as JWKs in a file of the data folder, made on first use: the
// development issuer and the partner token issuer keep an RS256 pair each, the gateway's
// request signatures and the audit digests an Ed25519 pair each. Production supplies its keys
// through configuration instead (configuredOrDevKey says which, and refuses a missing one).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

export interface StoredKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/** RS256 for tokens others verify with standard JWT libraries; EdDSA (Ed25519) for our own small, fast signatures. */
export type KeyAlgorithm = 'RS256' | 'EdDSA';

async function generate(kidPrefix: string, alg: KeyAlgorithm): Promise<StoredKey> {
  const { privateKey, publicKey } = alg === 'EdDSA' ? await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true }) : await generateKeyPair('RS256', { extractable: true });
  const kid = `${kidPrefix}-${Date.now().toString(36)}`;
  return {
    kid,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
  };
}

/** A fresh key pair, for `npm run keys` (production secrets). */
export const newKeyPair = generate;

/** Loads the key pair at `file`, creating it (mode 0600: it can sign) when missing. */
export async function ensureKeyPair(file: string, kidPrefix: string, alg: KeyAlgorithm = 'RS256'): Promise<StoredKey> {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as StoredKey;
  const stored = await generate(kidPrefix, alg);
  const dataDir = path.dirname(path.dirname(file));
  try {
    mkdirSync(path.dirname(file), { recursive: true });
  } catch (error) {
    throw new Error(`The data folder ${dataDir} cannot hold a signing key (${(error as NodeJS.ErrnoException).code}); set DATA_DIR to a writable folder`);
  }
  try {
    writeFileSync(file, JSON.stringify(stored), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process made it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return JSON.parse(readFileSync(file, 'utf8')) as StoredKey;
    throw error;
  }
  return stored;
}

/** The public half of a private JWK (RSA or OKP): what a verifier needs. */
export function publicJwkOf(privateJwk: JWK): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicPart } = privateJwk;
  return publicPart;
}

export interface KeySource {
  /** The setting's value (a private JWK as JSON), if set. */
  configured: string | undefined;
  /** The setting's name, for messages. */
  setting: string;
  /** Where development keeps its key (under DATA_DIR). */
  devFile: string;
  kidPrefix: string;
  alg: KeyAlgorithm;
  env: 'development' | 'test' | 'production';
  /** What the key does, for the message production gets without one. */
  purpose: string;
}

/** The configured private JWK; else, outside production, the data folder's key pair; production without one stops start. */
export async function configuredOrDevKey(source: KeySource): Promise<JWK> {
  if (source.configured) {
    let jwk: JWK;
    try {
      jwk = JSON.parse(source.configured) as JWK;
    } catch {
      throw new Error(`${source.setting} is not JSON: it must be a private JWK`);
    }
    const kty = source.alg === 'EdDSA' ? 'OKP' : 'RSA';
    if (jwk.kty !== kty || !jwk.d || !jwk.kid) throw new Error(`${source.setting} must be a private ${kty} JWK with a kid (npm run -s keys makes one)`);
    return { ...jwk, alg: source.alg };
  }
  if (source.env === 'production') throw new Error(`${source.setting} is required in production: ${source.purpose} (npm run -s keys makes one)`);
  return (await ensureKeyPair(source.devFile, source.kidPrefix, source.alg)).privateJwk;
}

/** A JWKS setting's public keys (no private parts allowed). */
export function parsePublicJwks(configured: string, setting: string): { keys: JWK[] } {
  let jwks: { keys?: JWK[] };
  try {
    jwks = JSON.parse(configured) as { keys?: JWK[] };
  } catch {
    throw new Error(`${setting} is not JSON: it must be a JWKS ({"keys":[…]})`);
  }
  if (!Array.isArray(jwks.keys) || !jwks.keys.length || jwks.keys.some((key) => key.d)) throw new Error(`${setting} must be a JWKS of public keys ({"keys":[…]}, no private parts)`);
  return { keys: jwks.keys };
}

// An RS256 signing key pair kept as JWKs in a file of the data folder, made on first use.
// The development issuer and the partner token issuer each keep one (production supplies
// its keys through configuration instead).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

export interface StoredKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/** Loads the key pair at `file`, creating it (mode 0600: it can mint tokens) when missing. */
export async function ensureKeyPair(file: string, kidPrefix: string): Promise<StoredKey> {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as StoredKey;
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `${kidPrefix}-${Date.now().toString(36)}`;
  const stored: StoredKey = {
    kid,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' },
  };
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

/** The public half of a private RSA JWK (what a verifier needs). */
export function publicJwkOf(privateJwk: JWK): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicPart } = privateJwk;
  return publicPart;
}

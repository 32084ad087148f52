// The local development identity provider: an RS256 key pair made on first start in the
// data folder, its JWKS (served by the gateway at /.well-known/jwks.json), and tokens
// shaped like Clerk's session tokens (sub = user id, role in publicMetadata.adminRole).
// Never used in production: there the keys are Clerk's.
import path from 'node:path';
import { importJWK, SignJWT, type JWK } from 'jose';
import { ensureKeyPair, type StoredKey } from './key-file';
import type { Role } from './caller';
import { DEFAULT_TOKEN_AUDIENCE } from './verify';

export const DEV_ISSUER = 'loop-health-dev';
const KEY_FILE = 'dev-auth/signing-key.json';

export function devKeyPath(dataDir: string): string {
  return path.join(dataDir, KEY_FILE);
}

/** Loads the dev key pair, creating it on first use (mode 0600: it can mint any role). */
export const ensureDevKey = (dataDir: string): Promise<StoredKey> => ensureKeyPair(devKeyPath(dataDir), 'dev');

export async function devJwks(dataDir: string): Promise<{ keys: JWK[] }> {
  return { keys: [(await ensureDevKey(dataDir)).publicJwk] };
}

export interface DevTokenOptions {
  sub: string;
  role?: Role;
  /** Lifetime, e.g. "1h", "15m", "30s"; negative values ("-1h") make an already expired token (tests). */
  ttl?: string;
  azp?: string;
  /** `aud` of the token (the graph's AUTH_AUDIENCE); default DEFAULT_TOKEN_AUDIENCE. */
  audience?: string;
}

export async function signDevToken(dataDir: string, options: DevTokenOptions): Promise<string> {
  const key = await ensureDevKey(dataDir);
  const privateKey = await importJWK(key.privateJwk, 'RS256');
  const claims: Record<string, unknown> = {};
  if (options.role && options.role !== 'customer') claims.publicMetadata = { adminRole: options.role };
  if (options.azp) claims.azp = options.azp;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .setIssuer(DEV_ISSUER)
    .setSubject(options.sub)
    .setAudience(options.audience ?? DEFAULT_TOKEN_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds(options.ttl ?? '1h'))
    .sign(privateKey);
}

export function ttlSeconds(ttl: string): number {
  const match = /^(-?\d+)([smhd])$/.exec(ttl);
  if (!match) throw new Error(`--ttl must look like 30s, 15m, 1h or 7d, got "${ttl}"`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[match[2] as 's' | 'm' | 'h' | 'd'];
}

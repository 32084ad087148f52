// Tokens for partner (machine) clients: the OAuth client-credentials grant ends here. The
// patient subgraph checks a credential's secret and signs a short-lived RS256 token with this
// issuer; the gateway and every subgraph verify it like any other token (auth/config.ts).
// Keys (config.partner): PARTNER_SIGNING_JWK (a private RSA JWK with a kid) only where tokens are
// issued (the patient subgraph), PARTNER_JWKS (its public JWKS) everywhere tokens are verified; in development
// a key pair made once in the data folder. Without them, in production, partner access is off.
import path from 'node:path';
import { importJWK, SignJWT, type JWK, type JWTPayload, type KeyLike } from 'jose';
import type { Config } from '../config';
import type { Role } from './caller';
import { ensureKeyPair, parsePublicJwks, publicJwkOf } from './key-file';
import { ownAudience } from './verify';

export const PARTNER_ISSUER = 'loop-health-partners';
const KEY_FILE = 'partner-auth/signing-key.json';

/** The claims a partner token carries (besides iss/sub/iat/exp). */
export interface PartnerGrant {
  credentialId: string;
  role: Role;
  /** Matrix resources (`lab_results`), resource:action pairs (`lab_results:read`) or SMART scopes (`patient/Observation.rs`); empty = the role's whole row. */
  scopes: string[];
  rateLimitPerMinute: number;
}

export interface PartnerIssuer {
  jwks: { keys: JWK[] };
  /** The service key itself, for the other short-lived tokens it signs (delegation.ts). */
  signingKey: { kid: string; key: KeyLike | Uint8Array };
  sign(grant: PartnerGrant): Promise<{ accessToken: string; expiresIn: number }>;
}

/** `partner:<credential id>`: the subject of a partner token, and the actor in the audit trail. */
export const partnerSubject = (credentialId: string) => `partner:${credentialId}`;

/** The credential and scopes a verified partner token names; null for any other token. */
export function partnerClaims(claims: JWTPayload): { partnerId: string; scopes: string[] } | null {
  if (claims.iss !== PARTNER_ISSUER || typeof claims.sub !== 'string') return null;
  return { partnerId: claims.sub.replace(/^partner:/, ''), scopes: typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [] };
}

/** The public keys partner tokens are verified with: PARTNER_JWKS, else the issuer's own (one process, development). */
export async function partnerVerificationKeys(config: Pick<Config, 'env' | 'dataDir' | 'partner' | 'tokens'>): Promise<{ keys: JWK[] } | null> {
  const configured = config.partner.jwks;
  if (configured) {
    return parsePublicJwks(configured, 'PARTNER_JWKS');
  }
  return (await partnerIssuer(config))?.jwks ?? null;
}

const issuers = new Map<string, Promise<PartnerIssuer | null>>();

export function partnerIssuer(config: Pick<Config, 'env' | 'dataDir' | 'partner' | 'tokens'>): Promise<PartnerIssuer | null> {
  const key = `${config.env}:${config.dataDir}`;
  if (!issuers.has(key)) issuers.set(key, createIssuer(config));
  return issuers.get(key)!;
}

async function createIssuer(config: Pick<Config, 'env' | 'dataDir' | 'partner' | 'tokens'>): Promise<PartnerIssuer | null> {
  const configured = config.partner.signingJwk;
  let privateJwk: JWK;
  if (configured) {
    privateJwk = JSON.parse(configured) as JWK;
    if (!privateJwk.kid || !privateJwk.d) throw new Error('PARTNER_SIGNING_JWK must be a private RSA JWK with a kid');
  } else if (config.env !== 'production') {
    privateJwk = (await ensureKeyPair(path.join(config.dataDir, KEY_FILE), 'partner')).privateJwk;
  } else {
    return null;
  }
  const signingKey = await importJWK(privateJwk, 'RS256');
  // Between a minute and an hour (the setting's range): longer tokens outlive revocation checks made elsewhere.
  const ttl = config.partner.tokenTtlSeconds;
  const audience = ownAudience(config.tokens.audience);
  return {
    jwks: { keys: [{ ...publicJwkOf(privateJwk), alg: 'RS256', use: 'sig' }] },
    signingKey: { kid: privateJwk.kid!, key: signingKey },
    async sign(grant) {
      const now = Math.floor(Date.now() / 1000);
      const accessToken = await new SignJWT({ role: grant.role, scope: grant.scopes.join(' '), rpm: grant.rateLimitPerMinute })
        .setProtectedHeader({ alg: 'RS256', kid: privateJwk.kid, typ: 'JWT' })
        .setIssuer(PARTNER_ISSUER)
        .setSubject(partnerSubject(grant.credentialId))
        .setAudience(audience)
        .setIssuedAt(now)
        .setExpirationTime(now + ttl)
        .sign(signingKey);
      return { accessToken, expiresIn: ttl };
    },
  };
}

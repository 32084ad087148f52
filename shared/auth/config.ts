// Which keys verify tokens. Production: Clerk (CLERK_JWT_KEY, the instance's PEM public key,
// for networkless verification; or AUTH_JWKS_URL), with AUTH_ISSUER and AUTH_AUDIENCE required.
// Development and tests with neither key set: the local dev issuer whose key pair lives in the
// data folder. Settings: config.auth and config.tokens (lifetime, clock skew, audience).
import type { Config } from '../config';
import { DEV_ISSUER, devJwks } from './dev-issuer';
import { PARTNER_ISSUER, partnerVerificationKeys } from './partner-issuer';
import { DELEGATION_ISSUER, delegatedTokenVerifier } from './delegation';
import { createTokenVerifier, ownAudiences, unauthenticated, type TokenVerifier, type VerifierOptions } from './verify';
import { decodeJwt } from 'jose';

export interface AuthSetup {
  verify: TokenVerifier;
  roleClaim: string;
  /** Set when the dev issuer is in use: the gateway serves its JWKS. */
  devIssuer: boolean;
}

/** The checks every verifier shares: lifetime, clock skew. */
const lifetimeChecks = (config: Pick<Config, 'tokens'>): Pick<VerifierOptions, 'maxLifetimeSeconds' | 'clockToleranceSeconds'> => ({
  maxLifetimeSeconds: config.tokens.maxLifetimeSeconds,
  clockToleranceSeconds: config.tokens.clockSkewSeconds,
});

export async function setUpAuth(config: Config): Promise<AuthSetup> {
  const users = await userTokens(config);
  const partnerKeys = await partnerVerificationKeys(config);
  const verifyPartner = partnerKeys
    ? createTokenVerifier({ jwks: partnerKeys, issuer: PARTNER_ISSUER, audience: ownAudiences(config.tokens.audience), ...lifetimeChecks(config) })
    : undefined;
  const verifyDelegated = partnerKeys ? delegatedTokenVerifier(partnerKeys, config) : undefined;
  // The unverified issuer only picks the key set; the chosen verifier checks the issuer again.
  const verify: TokenVerifier = async (token) => {
    const issuer = issuerOf(token);
    if (issuer === DELEGATION_ISSUER) {
      if (!verifyDelegated) throw unauthenticated('Delegated access is not enabled on this server');
      return verifyDelegated(token);
    }
    if (issuer !== PARTNER_ISSUER) return users.verify(token);
    if (!verifyPartner) throw unauthenticated('Partner access is not enabled on this server');
    return verifyPartner(token);
  };
  return { ...users, verify };
}

function issuerOf(token: string): string | undefined {
  try {
    return decodeJwt(token).iss;
  } catch {
    return undefined;
  }
}

/** Tokens of people: Clerk's, or the dev issuer's. */
async function userTokens(config: Config): Promise<AuthSetup> {
  const { jwksUrl, clerkJwtKey: publicKeyPem, roleClaim, authorizedParties, issuer } = config.auth;
  if (jwksUrl || publicKeyPem) {
    if (config.env === 'production') {
      const missing = [!issuer && 'AUTH_ISSUER (the `iss` of your identity provider)', !config.tokens.audience.length && 'AUTH_AUDIENCE (the `aud` your tokens carry)'].filter(Boolean);
      if (missing.length) throw new Error(`Tokens are not checked for issuer and audience: set ${missing.join(' and ')} (required in production)`);
    }
    return {
      verify: createTokenVerifier({ jwksUrl, publicKeyPem, issuer, authorizedParties, audience: config.tokens.audience, ...lifetimeChecks(config) }),
      roleClaim,
      devIssuer: false,
    };
  }
  if (config.env === 'production') {
    throw new Error('No identity provider configured: set CLERK_JWT_KEY or AUTH_JWKS_URL (the dev issuer is off in production)');
  }
  return {
    verify: createTokenVerifier({ jwks: await devJwks(config.dataDir), issuer: DEV_ISSUER, authorizedParties, audience: ownAudiences(config.tokens.audience), ...lifetimeChecks(config) }),
    roleClaim,
    devIssuer: true,
  };
}

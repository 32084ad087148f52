// A connection's vendor tokens: sealed (../tokens/keyring.ts) on the way into the database,
// opened only here, refreshed shortly before they expire or when the vendor refuses them, and
// stored again (re-sealed with the current key, which is how old key ids age out).
import type { WearableProvider } from '../../../generated/prisma/client';
import type { Prisma } from '../../../shared/db/database';
import { VendorError } from '../providers/http';
import { authorizationUrl, exchangeCode, pkcePair, refreshTokens, type TokenSet } from '../providers/oauth';
import { tokenBinding, type TokenKeyring } from '../tokens/keyring';
import type { AccessTokens, VendorClient } from './vendor-client';

/** Refresh this long before the vendor's expiry, so a token does not lapse mid-sync. */
const EXPIRY_MARGIN_MS = 60_000;

export interface StoredTokens {
  id: string;
  profileId: string;
  provider: WearableProvider;
  externalUserId: string | null;
  accessTokenEnc: string | null;
  refreshTokenEnc: string | null;
  tokenKeyId: string | null;
  tokenExpiresAt: Date | null;
}

export function sealTokens(keyring: TokenKeyring, profileId: string, provider: WearableProvider, tokens: TokenSet) {
  const binding = tokenBinding(profileId, provider);
  const access = keyring.encrypt(tokens.accessToken, binding);
  return {
    accessTokenEnc: access.ciphertext,
    refreshTokenEnc: tokens.refreshToken ? keyring.encrypt(tokens.refreshToken, binding).ciphertext : null,
    tokenKeyId: access.kid,
    tokenExpiresAt: tokens.expiresAt,
  };
}

/**
 * Signs in at a simulator as `login` with the ordinary authorization-code flow (the simulator
 * approves at once). Only for simulated providers: how the demo seed's connections, written
 * without tokens, get theirs on their first sync.
 */
export async function simulatedSignIn(vendor: VendorClient, login: string): Promise<TokenSet> {
  if (!vendor.simulated) throw new VendorError(`${vendor.plugin.label}: the connection has no tokens; connect it again`, 'auth', null);
  const redirectUri = `${new URL(vendor.endpoints.authorizeUrl).origin}/callback`;
  const pkce = vendor.plugin.pkce ? pkcePair() : null;
  const url = new URL(authorizationUrl(vendor.plugin, vendor.endpoints, { clientId: vendor.client.clientId, redirectUri, state: 'seed', codeChallenge: pkce?.challenge }));
  url.searchParams.set('login_hint', login);
  const answer = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(vendor.http.policy.timeoutMs) });
  const code = new URL(answer.headers.get('location') ?? '', url).searchParams.get('code');
  if (!code) throw new VendorError(`${vendor.plugin.label} (simulated) did not approve the sign-in (${answer.status})`, 'server', answer.status);
  return exchangeCode(vendor.plugin, vendor.endpoints, vendor.client, { code, redirectUri, codeVerifier: pkce?.verifier }, vendor.http);
}

export function connectionTokens(prisma: Prisma, keyring: TokenKeyring, vendor: VendorClient, row: StoredTokens, now = () => new Date()): AccessTokens {
  const binding = tokenBinding(row.profileId, row.provider);
  const open = (ciphertext: string | null) => (ciphertext && row.tokenKeyId ? keyring.decrypt({ kid: row.tokenKeyId, ciphertext }, binding) : null);
  let access = open(row.accessTokenEnc);
  let refreshToken = open(row.refreshTokenEnc);
  let expiresAt = row.tokenExpiresAt;

  const store = async (tokens: TokenSet) => {
    // A vendor that does not rotate refresh tokens keeps the one we have.
    const next = { ...tokens, refreshToken: tokens.refreshToken ?? refreshToken };
    // Conditional: a disconnect during this sync erased the tokens, and must stay erased.
    const { count } = await prisma.wearableConnection.updateMany({
      where: { id: row.id, status: { not: 'DISCONNECTED' } },
      data: sealTokens(keyring, row.profileId, row.provider, next),
    });
    if (count === 0) throw new VendorError(`${vendor.plugin.label}: the connection was disconnected during the sync`, 'auth', null);
    access = next.accessToken;
    refreshToken = next.refreshToken;
    expiresAt = next.expiresAt;
    return access;
  };
  const refresh = async () => {
    if (!refreshToken) {
      if (!access && row.externalUserId) return store(await simulatedSignIn(vendor, row.externalUserId));
      throw new VendorError(`${vendor.plugin.label}: the authorization expired and there is no refresh token; connect it again`, 'auth', null);
    }
    return store(await refreshTokens(vendor.plugin, vendor.endpoints, vendor.client, refreshToken, vendor.http));
  };
  return {
    async current() {
      if (!access) return refresh();
      if (expiresAt && expiresAt.getTime() - EXPIRY_MARGIN_MS <= now().getTime()) return refresh();
      return access;
    },
    refresh,
  };
}

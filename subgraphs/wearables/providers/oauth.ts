// OAuth 2.0 authorization-code flow, the same for every vendor: the authorization URL (with
// PKCE where the vendor wants it), the code exchange and the refresh, both as form posts to
// the vendor's token endpoint with our client credentials.
import { createHash, randomBytes } from 'node:crypto';
import { requestJson, VendorError, type RequestPacer, type RetryPolicy } from './http';
import type { ProviderPlugin, VendorEndpoints } from './types';

export interface TokenSet {
  accessToken: string;
  /** Null when the vendor did not issue one (the connection then needs a new authorization when the access token expires). */
  refreshToken: string | null;
  expiresAt: Date | null;
  scopes: string[];
}

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizationUrl(
  plugin: ProviderPlugin,
  endpoints: VendorEndpoints,
  options: { clientId: string; redirectUri: string; state: string; codeChallenge?: string | null },
): string {
  const url = new URL(endpoints.authorizeUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', options.clientId);
  url.searchParams.set('redirect_uri', options.redirectUri);
  url.searchParams.set('scope', plugin.scopes.join(' '));
  url.searchParams.set('state', options.state);
  if (options.codeChallenge) {
    url.searchParams.set('code_challenge', options.codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
  }
  return url.toString();
}

function tokenSet(body: unknown, plugin: ProviderPlugin, now: Date): TokenSet {
  const token = body as { access_token?: unknown; refresh_token?: unknown; expires_in?: unknown; scope?: unknown };
  if (typeof token?.access_token !== 'string' || !token.access_token) {
    throw new VendorError(`${plugin.label} answered the token request without an access token`, 'server', null);
  }
  const expiresIn = Number(token.expires_in);
  return {
    accessToken: token.access_token,
    refreshToken: typeof token.refresh_token === 'string' && token.refresh_token ? token.refresh_token : null,
    expiresAt: Number.isFinite(expiresIn) && expiresIn > 0 ? new Date(now.getTime() + expiresIn * 1000) : null,
    scopes: typeof token.scope === 'string' ? token.scope.split(/[\s,]+/).filter(Boolean) : [...plugin.scopes],
  };
}

async function tokenRequest(
  plugin: ProviderPlugin,
  endpoints: VendorEndpoints,
  client: ClientCredentials,
  fields: Record<string, string>,
  http: { policy: RetryPolicy; limiter: RequestPacer },
): Promise<TokenSet> {
  const body = new URLSearchParams({ ...fields, client_id: client.clientId, client_secret: client.clientSecret });
  const answer = await requestJson(
    {
      url: endpoints.tokenUrl,
      label: plugin.label,
      init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body },
    },
    http.policy,
    http.limiter,
  ).catch((error: unknown) => {
    // A refused grant (invalid_grant, a 400) means the authorization is gone, not a bad request of ours.
    if (error instanceof VendorError && error.kind === 'client') throw new VendorError(error.message, 'auth', error.status);
    throw error;
  });
  return tokenSet(answer, plugin, new Date());
}

export function exchangeCode(
  plugin: ProviderPlugin,
  endpoints: VendorEndpoints,
  client: ClientCredentials,
  grant: { code: string; redirectUri: string; codeVerifier?: string | null },
  http: { policy: RetryPolicy; limiter: RequestPacer },
): Promise<TokenSet> {
  return tokenRequest(
    plugin,
    endpoints,
    client,
    {
      grant_type: 'authorization_code',
      code: grant.code,
      redirect_uri: grant.redirectUri,
      ...(grant.codeVerifier ? { code_verifier: grant.codeVerifier } : {}),
    },
    http,
  );
}

export function refreshTokens(
  plugin: ProviderPlugin,
  endpoints: VendorEndpoints,
  client: ClientCredentials,
  refreshToken: string,
  http: { policy: RetryPolicy; limiter: RequestPacer },
): Promise<TokenSet> {
  return tokenRequest(plugin, endpoints, client, { grant_type: 'refresh_token', refresh_token: refreshToken }, http);
}

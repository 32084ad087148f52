// Client-credentials tokens for a partner, fetched from the gateway's POST /oauth/token and
// renewed a minute before they expire.
export interface PartnerCredentials {
  /** The gateway's base URL, e.g. http://localhost:4000. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
}

const RENEW_BEFORE_EXPIRY_MS = 60_000;

export function partnerTokens(credentials: PartnerCredentials): () => Promise<string> {
  let current: { token: string; expiresAt: number } | undefined;
  return async () => {
    if (current && current.expiresAt - RENEW_BEFORE_EXPIRY_MS > Date.now()) return current.token;
    const url = `${credentials.baseUrl}/oauth/token`;
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(credentials.clientId)}:${encodeURIComponent(credentials.clientSecret)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    }).catch((error: Error) => {
      throw new Error(`Could not reach ${url}: ${error.message} (is the gateway running? set --url or LOOP_URL)`);
    });
    const body = (await response.json()) as { access_token?: string; expires_in?: number; error?: string; error_description?: string };
    if (!response.ok || !body.access_token) throw new Error(`token request refused: ${body.error ?? response.status} ${body.error_description ?? ''}`.trim());
    current = { token: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 300) * 1000 };
    return current.token;
  };
}

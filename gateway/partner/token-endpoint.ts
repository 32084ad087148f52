// POST /oauth/token: the OAuth 2.0 client-credentials grant (RFC 6749 §4.4) for partners.
// Client id and secret come as HTTP Basic credentials or form/JSON fields; the exchange itself
// is the patient subgraph's issuePartnerToken mutation, run through the graph like any call,
// with this request's identity (a signed hop): so the one per-address limit of token requests
// (PARTNER_TOKEN_REQUESTS_PER_MINUTE, in issuePartnerToken) counts both ways of asking together.
import express, { type Router } from 'express';
import { hopHeaders } from '../trust/request-identity';

export interface TokenEndpointOptions {
  /** The gateway's own /graphql. */
  graphqlUrl: string;
}

const ISSUE = 'mutation IssuePartnerToken($id: String!, $secret: String!) { issuePartnerToken(clientId: $id, clientSecret: $secret) { accessToken tokenType expiresIn scope } }';

function basicCredentials(header: string | undefined): { id: string; secret: string } | null {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return null; // malformed %-encoding: answered as invalid_request
  }
}

export function tokenEndpoint(options: TokenEndpointOptions): Router {
  const router = express.Router();
  router.post('/', express.urlencoded({ extended: false, limit: '4kb' }), express.json({ limit: '4kb' }), async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const oauthError = (status: number, error: string, description: string) => res.status(status).json({ error, error_description: description });
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.grant_type !== 'client_credentials') return oauthError(400, 'unsupported_grant_type', 'grant_type must be client_credentials');
    const fromBody = typeof body.client_id === 'string' && typeof body.client_secret === 'string' ? { id: body.client_id, secret: body.client_secret } : null;
    const credentials = basicCredentials(req.headers.authorization) ?? fromBody;
    if (!credentials) return oauthError(400, 'invalid_request', 'Send client_id and client_secret (HTTP Basic or form fields)');
    let result: {
      data?: { issuePartnerToken?: { accessToken: string; tokenType: string; expiresIn: number; scope: string | null } };
      errors?: { message?: string; extensions?: { code?: string; retryAfter?: number } }[];
    };
    try {
      const response = await fetch(options.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(await hopHeaders(req, res)) },
        body: JSON.stringify({ query: ISSUE, variables: { id: credentials.id, secret: credentials.secret } }),
      });
      result = (await response.json()) as typeof result;
    } catch {
      return oauthError(503, 'temporarily_unavailable', 'The token could not be issued; retry later');
    }
    const issued = result.data?.issuePartnerToken;
    if (issued) {
      return res.json({ access_token: issued.accessToken, token_type: issued.tokenType, expires_in: issued.expiresIn, ...(issued.scope ? { scope: issued.scope } : {}) });
    }
    const error = result.errors?.[0];
    const code = error?.extensions?.code;
    if (code === 'RATE_LIMITED') {
      const retryAfter = Math.max(1, Number(error?.extensions?.retryAfter) || 1);
      res.setHeader('Retry-After', String(retryAfter));
      return oauthError(429, 'slow_down', `Too many token requests; retry in ${retryAfter} s`);
    }
    if (code === 'UNAUTHENTICATED') return oauthError(401, 'invalid_client', 'The client id or secret is not valid');
    if (code === 'FORBIDDEN') return oauthError(400, 'unauthorized_client', 'Partner access is not enabled on this server');
    return oauthError(503, 'temporarily_unavailable', 'The token could not be issued; retry later');
  });
  return router;
}

// CORS for browsers on other origins: an allowlist of exact origins (CORS_ORIGINS; in
// development also the gateway's own origin and the web dev server's). An allowed origin gets
// its preflight answered with the methods and headers the graph takes, cached for
// CORS_MAX_AGE_SECONDS, and responses that expose x-request-id, retry-after and the FHIR
// export's status headers (content-location, x-progress, expires); any other
// origin gets no CORS headers at all. The WebSocket upgrade checks Origin against the same list.
import type { RequestHandler } from 'express';

export interface CorsOptions {
  /** Exact origins (scheme://host[:port]) allowed to call the graph from a browser. */
  origins: readonly string[];
  /** How long a browser may reuse a preflight answer (Access-Control-Max-Age). */
  maxAgeSeconds: number;
}

/** DELETE only cancels a FHIR export (its status URL). */
export const CORS_METHODS = ['GET', 'POST', 'DELETE', 'OPTIONS'];
/** Request headers a browser may send: identity, JSON, correlation, tracing, idempotency, Apollo's CSRF header, FHIR's Prefer (respond-async). */
export const CORS_ALLOWED_HEADERS = ['authorization', 'content-type', 'x-request-id', 'traceparent', 'tracestate', 'idempotency-key', 'apollo-require-preflight', 'x-apollo-operation-name', 'prefer'];
/** Response headers a browser script may read: correlation, limits, and a FHIR export's status URL, progress and expiry; whether a keyed mutation's answer is a replay. */
export const CORS_EXPOSED_HEADERS = ['x-request-id', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'content-location', 'x-progress', 'expires', 'idempotent-replayed'];

/** The web dev server (npm run web:dev) on both loopback names. */
export const WEB_DEV_ORIGINS = ['http://localhost:5173', 'http://127.0.0.1:5173'];

/** The allowlist a mode uses: development adds the gateway's own origin and the web dev server's. */
export function corsOrigins(configured: readonly string[], development: boolean, gatewayPort: number): string[] {
  const own = [`http://127.0.0.1:${gatewayPort}`, `http://localhost:${gatewayPort}`];
  return [...new Set([...configured.map((origin) => origin.replace(/\/+$/, '')), ...(development ? [...own, ...WEB_DEV_ORIGINS] : [])])];
}

/** A page served by this very host (the web app at /app/, the playground) is not cross-origin. */
function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

export function cors(options: CorsOptions) {
  const allowed = new Set(options.origins);
  /** An Origin header is a browser's: it must be listed or be this host's own. No Origin: a server or a CLI, not CORS's concern. */
  const allowsOrigin = (origin: string | undefined, host?: string): boolean => origin === undefined || allowed.has(origin) || sameOrigin(origin, host);
  const middleware: RequestHandler = (req, res, next) => {
    const origin = req.headers.origin;
    if (origin === undefined || sameOrigin(origin, req.headers.host)) return next();
    res.vary('Origin');
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    if (!allowed.has(origin)) {
      if (preflight) return void res.status(403).end();
      return next();
    }
    res.setHeader('access-control-allow-origin', origin);
    if (!preflight) {
      res.setHeader('access-control-expose-headers', CORS_EXPOSED_HEADERS.join(', '));
      return next();
    }
    res.setHeader('access-control-allow-methods', CORS_METHODS.join(', '));
    res.setHeader('access-control-allow-headers', CORS_ALLOWED_HEADERS.join(', '));
    res.setHeader('access-control-max-age', String(options.maxAgeSeconds));
    res.status(204).end();
  };
  return { middleware, allowsOrigin };
}

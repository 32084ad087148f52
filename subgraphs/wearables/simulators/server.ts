// One simulated vendor on a local port: its OAuth authorize and token endpoints (the
// authorization is approved at once: there is no user at a vendor offline), its REST API on
// the vendor's own paths, and a control API for tests and demos that makes the next requests
// answer 429 or 5xx, revokes an account, shortens token lifetimes, replaces an account's data
// with a fixture, and lists the requests an account received.
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import express, { type Request, type Response } from 'express';
import { listen, type RunningServer } from '../../../shared/server/listen';
import type { ProviderPlugin } from '../providers/types';
import { signToken, verifyToken } from './tokens';

export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.error ?? status));
  }
}

export interface Window {
  start: number;
  end: number;
}

export interface SimRoute {
  /** Path below the vendor's API base (e.g. /v2/usercollection/daily_sleep). */
  path: string;
  /** Reads the vendor's window parameters, refusing what the vendor refuses; absent = no window. */
  window?(query: URLSearchParams, now: Date): Window;
  /** The account's records in the window, as the vendor shapes them. */
  generate(user: string, window: Window | null, now: Date): Record<string, unknown>[];
  /** The instant a fixture record is placed at, to filter fixtures by the window like generated records. */
  timeOf?(record: Record<string, any>): number;
  /** The vendor's response body (pagination included) for these records. */
  respond(records: Record<string, unknown>[], query: URLSearchParams, user: string): unknown;
}

export interface VendorSimulator {
  plugin: ProviderPlugin;
  routes: SimRoute[];
}

export type FaultKind = 'rate_limit' | 'server_error' | 'unauthorized';

interface Fault {
  kind: FaultKind;
  /** Requests it still applies to; Infinity = until cleared. */
  remaining: number;
  retryAfterSeconds: number;
}

export interface LoggedRequest {
  at: string;
  method: string;
  path: string;
  status: number;
}

interface Account {
  faults: Fault[];
  requests: LoggedRequest[];
  revoked: boolean;
  accessTokenTtlSeconds: number;
  fixtures: Map<string, Record<string, unknown>[]>;
}

const DEFAULT_ACCESS_TTL_SECONDS = 3600;
const CODE_TTL_MS = 5 * 60_000;
const MAX_LOGGED_REQUESTS = 500;

const pathOf = (url: string) => new URL(url).pathname.replace(/\/$/, '');

function callbackPage(query: Record<string, unknown>, provider: string): string {
  const escape = (value: unknown) => String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const mutation = `mutation { completeWearableConnection(provider: ${provider}, code: "${query.code}", state: "${query.state}") { id provider status } }`;
  return `<!doctype html><meta charset="utf-8"><title>${escape(provider)} connected</title>
<body style="font-family: system-ui; max-width: 48rem; margin: 3rem auto">
<h1>${escape(provider)} (simulated) approved the connection</h1>
<p>In production your app's page receives this redirect and calls the mutation below. Offline, paste it into the playground with the same token you started the connection with:</p>
<pre style="white-space: pre-wrap; background: #f4f4f4; padding: 1rem">${escape(mutation)}</pre></body>`;
}

export function createSimulatorApp(simulator: VendorSimulator, now: () => Date = () => new Date()): express.Express {
  const { plugin } = simulator;
  const accounts = new Map<string, Account>();
  const usedCodes = new Map<string, number>();
  const account = (user: string): Account => {
    let found = accounts.get(user);
    if (!found) {
      found = { faults: [], requests: [], revoked: false, accessTokenTtlSeconds: DEFAULT_ACCESS_TTL_SECONDS, fixtures: new Map() };
      accounts.set(user, found);
    }
    return found;
  };
  const issueTokens = (user: string, scope: string) => {
    const ttl = account(user).accessTokenTtlSeconds;
    const nonce = randomBytes(6).toString('base64url');
    return {
      access_token: signToken('access', { u: user, v: plugin.provider, exp: now().getTime() + ttl * 1000, n: nonce }),
      refresh_token: signToken('refresh', { u: user, v: plugin.provider, n: nonce }),
      token_type: 'Bearer',
      expires_in: ttl,
      scope,
    };
  };

  const app = express();
  app.disable('x-powered-by');
  app.use(express.urlencoded({ extended: false }), express.json({ limit: '5mb' }));

  app.get('/__simulator/health', (_req, res) => {
    res.json({ provider: plugin.provider, status: 'ok' });
  });

  // Control (tests and demos; simulators never run in production).
  app.post('/__simulator/users/:user', (req: Request, res: Response) => {
    const user = String(req.params.user);
    const body = (req.body ?? {}) as {
      reset?: boolean;
      faults?: { kind: FaultKind; times?: number | 'always'; retryAfterSeconds?: number }[];
      revoked?: boolean;
      accessTokenTtlSeconds?: number;
      fixtures?: Record<string, Record<string, unknown>[]>;
    };
    if (body.reset) accounts.delete(user);
    const state = account(user);
    for (const fault of body.faults ?? []) {
      state.faults.push({
        kind: fault.kind,
        remaining: fault.times === 'always' ? Infinity : Math.max(1, Number(fault.times ?? 1)),
        retryAfterSeconds: Number(fault.retryAfterSeconds ?? 1),
      });
    }
    if (body.revoked !== undefined) state.revoked = Boolean(body.revoked);
    if (body.accessTokenTtlSeconds !== undefined) state.accessTokenTtlSeconds = Number(body.accessTokenTtlSeconds);
    for (const [path, records] of Object.entries(body.fixtures ?? {})) state.fixtures.set(path, records);
    res.json({ user, faults: state.faults.length, revoked: state.revoked, fixtures: [...state.fixtures.keys()] });
  });
  app.get('/__simulator/users/:user/requests', (req: Request, res: Response) => {
    res.json({ requests: account(String(req.params.user)).requests });
  });

  // Where the offline default sends the browser back (a web app's page does this in production).
  app.get('/callback', (req, res) => {
    res.type('html').send(callbackPage(req.query, plugin.provider));
  });

  // OAuth: approve at once and redirect back with a single-use code.
  app.get(pathOf(plugin.endpoints.authorizeUrl), (req: Request, res: Response) => {
    const q = req.query as Record<string, string | undefined>;
    if (q.response_type !== 'code' || !q.client_id || !q.redirect_uri) {
      res.status(400).json({ error: 'invalid_request', error_description: 'response_type=code, client_id and redirect_uri are required' });
      return;
    }
    if (plugin.pkce && (!q.code_challenge || q.code_challenge_method !== 'S256')) {
      res.status(400).json({ error: 'invalid_request', error_description: 'PKCE (S256) is required' });
      return;
    }
    // login_hint picks the vendor account (tests, seeded connections); otherwise a new one.
    const user = q.login_hint || `${plugin.provider.toLowerCase()}-${randomBytes(4).toString('hex')}`;
    const code = signToken('code', {
      u: user,
      v: plugin.provider,
      c: q.client_id,
      r: q.redirect_uri,
      s: q.scope ?? plugin.scopes.join(' '),
      ch: q.code_challenge ?? null,
      exp: now().getTime() + CODE_TTL_MS,
      n: randomBytes(6).toString('base64url'),
    });
    const back = new URL(q.redirect_uri);
    back.searchParams.set('code', code);
    if (q.state !== undefined) back.searchParams.set('state', q.state);
    res.redirect(302, back.toString());
  });

  app.post(pathOf(plugin.endpoints.tokenUrl), (req: Request, res: Response) => {
    const form = (req.body ?? {}) as Record<string, string | undefined>;
    const refuse = (description: string) => res.status(400).json({ error: 'invalid_grant', error_description: description });
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    const clientId = form.client_id ?? (basic ? Buffer.from(basic[1], 'base64').toString().split(':')[0] : undefined);
    if (!clientId) {
      res.status(401).json({ error: 'invalid_client' });
      return;
    }
    if (form.grant_type === 'authorization_code') {
      const code = verifyToken<{ u: string; v: string; c: string; r: string; s: string; ch: string | null; exp: number }>('code', form.code);
      if (!code || code.v !== plugin.provider) return void refuse('unknown authorization code');
      if (code.exp < now().getTime()) return void refuse('the authorization code expired');
      if (usedCodes.has(form.code!)) return void refuse('the authorization code was already used');
      if (code.r !== form.redirect_uri) return void refuse('redirect_uri does not match the authorization');
      if (code.c !== clientId) return void refuse('the code was issued to another client');
      if (code.ch && createHash('sha256').update(form.code_verifier ?? '').digest('base64url') !== code.ch) return void refuse('code_verifier does not match');
      for (const [used, expires] of usedCodes) if (expires < now().getTime()) usedCodes.delete(used);
      usedCodes.set(form.code!, code.exp);
      const state = account(code.u);
      state.revoked = false;
      res.json(issueTokens(code.u, code.s));
      return;
    }
    if (form.grant_type === 'refresh_token') {
      const refresh = verifyToken<{ u: string; v: string }>('refresh', form.refresh_token);
      if (!refresh || refresh.v !== plugin.provider) return void refuse('unknown refresh token');
      if (account(refresh.u).revoked) return void refuse('the authorization was revoked');
      res.json(issueTokens(refresh.u, plugin.scopes.join(' ')));
      return;
    }
    res.status(400).json({ error: 'unsupported_grant_type' });
  });

  // The vendor's REST API, as the account the bearer token belongs to.
  const apiBase = pathOf(plugin.endpoints.apiUrl);
  for (const route of simulator.routes) {
    app.get(`${apiBase}${route.path}`, (req: Request, res: Response) => {
      const at = now();
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const claims = verifyToken<{ u: string; v: string; exp: number }>('access', token);
      const send = (status: number, body: unknown, user?: string) => {
        if (user) {
          const log = account(user).requests;
          log.push({ at: at.toISOString(), method: req.method, path: req.originalUrl, status });
          if (log.length > MAX_LOGGED_REQUESTS) log.shift();
        }
        res.status(status).json(body);
      };
      if (!claims || claims.v !== plugin.provider || claims.exp < at.getTime() || account(claims.u).revoked) {
        send(401, { error: 'invalid_token', message: 'The access token is invalid or has expired' }, claims?.u);
        return;
      }
      const user = claims.u;
      const state = account(user);
      const fault = state.faults.find((f) => f.remaining > 0);
      if (fault) {
        fault.remaining -= 1;
        state.faults = state.faults.filter((f) => f.remaining > 0);
        if (fault.kind === 'rate_limit') {
          res.setHeader('retry-after', String(fault.retryAfterSeconds));
          send(429, { error: 'rate_limited', message: 'Too many requests' }, user);
        } else if (fault.kind === 'server_error') {
          send(503, { error: 'unavailable', message: 'Service temporarily unavailable' }, user);
        } else {
          send(401, { error: 'invalid_token', message: 'The access token has expired' }, user);
        }
        return;
      }
      try {
        const query = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
        const window = route.window ? route.window(query, at) : null;
        const fixture = state.fixtures.get(route.path);
        const records = fixture
          ? fixture.filter((record) => !window || !route.timeOf || (route.timeOf(record) >= window.start && route.timeOf(record) < window.end))
          : route.generate(user, window, at);
        send(200, route.respond(records, query, user), user);
      } catch (error) {
        if (error instanceof SimHttpError) send(error.status, error.body, user);
        else send(500, { error: 'internal', message: (error as Error).message }, user);
      }
    });
  }
  return app;
}

export async function startSimulator(simulator: VendorSimulator, host: string, port: number): Promise<RunningServer> {
  const server = http.createServer(createSimulatorApp(simulator));
  return listen(server, host, port, `${simulator.plugin.provider.toLowerCase()}-simulator`);
}

/** Offset pagination shared by the simulated vendors: the token is the next record's index. */
export function pageOf<T>(records: T[], token: string | null, size: number): { items: T[]; next: string | null } {
  const offset = token ? Number(Buffer.from(token, 'base64url').toString()) : 0;
  if (!Number.isInteger(offset) || offset < 0) throw new SimHttpError(400, { error: 'invalid_request', message: 'bad page token' });
  const items = records.slice(offset, offset + size);
  const end = offset + items.length;
  return { items, next: end < records.length ? Buffer.from(String(end)).toString('base64url') : null };
}

/** A required instant parameter, or a 400 like the vendor's. */
export function instantParam(query: URLSearchParams, name: string, parse: (value: string) => number = Date.parse): number {
  const raw = query.get(name);
  const value = raw ? parse(raw) : NaN;
  if (!Number.isFinite(value)) throw new SimHttpError(400, { error: 'invalid_request', message: `${name} is required and must be a valid time` });
  return value;
}

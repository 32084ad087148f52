// Subscriptions (and queries and mutations) over Server-Sent Events at /graphql/stream, with
// graphql-sse's protocol in both its modes: distinct connections (one event stream per
// operation) and single connection (PUT reserves a stream, GET/POST with its token opens it,
// operations are POSTed with the token and stopped with DELETE). The same rules as graphql-ws
// on /graphql (server.ts): a bearer token in the Authorization header on every request
// (401 without a valid one), the operation limits of its tier, partner credentials limited to
// persisted operations, the subscription caps (caps.ts), and the same federated execution
// (execute.ts), so every subgraph's RBAC and audit apply to every event. A stream ends when its
// token expires: each open subscription gets one UNAUTHENTICATED error, then completes.
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import type { RequestHandler } from 'express';
import { GraphQLError, parse, type ExecutionArgs, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import { createHandler } from 'graphql-sse/lib/use/express';
import type { Response as SseResponse } from 'graphql-sse';
import client from 'prom-client';
import { ErrorCode } from '../../shared/graphql/errors';
import { registry } from '../../shared/metrics';
import type { formatErrorFor } from '../../shared/server/format-error';
import type { GatewayContext } from '../context';
import type { websocketLimits } from '../limits/websocket';
import type { Manifest } from '../partner/persisted-operations';
import type { SubscriptionCaps, CappedConnection } from './caps';
import { executeOverStream } from '../defer/over-streams';
import { executeSubscription, type ClientSubscription, type SubscriptionDeps } from './execute';
import { partnerRateRefusal, persistedFor, principalOf, type Principal, type PrincipalOptions } from './principal';
import type { RateLimiter } from '../../shared/limits/rate-limit';
import { onceEnded } from './tracked';

const sseSubscriptions = new client.Gauge({ name: 'gateway_sse_client_subscriptions', help: 'Client subscriptions open over SSE (/graphql/stream) on this gateway', registers: [registry] });
const sseStreams = new client.Gauge({ name: 'gateway_sse_client_streams', help: 'Open SSE event streams on this gateway (either mode)', registers: [registry] });

/** graphql-sse's header (and `token` query parameter) naming a reserved stream. */
export const STREAM_TOKEN_HEADER = 'x-graphql-event-stream-token';
export const TOKEN_EXPIRED_MESSAGE = 'Unauthorized: the token has expired';
/** After the last subscription of an expiring stream completed: time for its final events to be written. */
const FLUSH_BEFORE_CLOSE_MS = 50;
/** setTimeout's longest delay; a later expiry re-arms the timer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface GatewaySseOptions extends SubscriptionDeps, PrincipalOptions {
  apollo: ApolloServer<GatewayContext>;
  /** Operation limits per tier (gateway/limits/websocket.ts: the same checks as graphql-ws). */
  limits: ReturnType<typeof websocketLimits>;
  caps: SubscriptionCaps;
  /** Partner credentials run only these operations. */
  manifest: Manifest;
  /** Partners' queries and mutations over SSE count here, as over POST /graphql (subscriptions do not). */
  partnerLimiter?: RateLimiter;
  clientAddress(request: IncomingMessage): string | null;
  /** The gateway's error formatter: no stack traces, internal errors masked. */
  formatError: ReturnType<typeof formatErrorFor>;
}

/** One event stream: a reserved one (single-connection mode) or one operation's own (distinct mode). */
interface Connection extends CappedConnection {
  principal: Principal;
  subscriptions: Set<ClientSubscription>;
  /** Fires when the stream closes: upstream fetches of its operations stop. */
  closed: AbortController;
  res?: ServerResponse;
  cancelExpiry?: () => void;
}

function refusal(status: number, code: string, message: string): SseResponse {
  return [JSON.stringify({ errors: [{ message, extensions: { code } }] }), { status, statusText: STATUS_CODES[status] ?? code, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'private, no-store' } }];
}

function atExpiry(expiresAtMs: number, expire: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const left = expiresAtMs - Date.now();
    if (left <= 0) return expire();
    timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
  };
  arm();
  return () => clearTimeout(timer);
}

export function serveGatewaySse(options: GatewaySseOptions) {
  const reserved = new Map<string, Connection>();
  const distinct = new WeakMap<IncomingMessage, Connection>();
  const principals = new WeakMap<IncomingMessage, Principal>();
  const connectionOfContext = new WeakMap<GatewayContext, Connection>();
  const open = new Set<ClientSubscription>();

  const streamToken = (req: IncomingMessage): string | null => {
    const header = req.headers[STREAM_TOKEN_HEADER];
    if (typeof header === 'string' && header) return header;
    return new URL(req.url ?? '', 'http://localhost').searchParams.get('token') || null;
  };
  const newConnection = (principal: Principal): Connection => ({ principal, open: 0, subscriptions: new Set(), closed: new AbortController() });
  const connectionOf = (req: IncomingMessage): Connection | undefined => {
    const token = streamToken(req);
    return token ? reserved.get(token) : distinct.get(req);
  };

  /** The token expired: every subscription gets the error and completes, then the stream closes. */
  const expire = (connection: Connection, token: string | null) => {
    const last = { errors: [new GraphQLError(TOKEN_EXPIRED_MESSAGE, { extensions: { code: ErrorCode.UNAUTHENTICATED } })] };
    for (const subscription of connection.subscriptions) subscription.terminate(last);
    if (token) reserved.delete(token);
    const close = () => {
      if (connection.subscriptions.size) return void setTimeout(close, FLUSH_BEFORE_CLOSE_MS);
      setTimeout(() => connection.res?.end(), FLUSH_BEFORE_CLOSE_MS);
    };
    close();
  };

  const contextFor = (principal: Principal, req: IncomingMessage, connection: Connection, operationName: string | null | undefined): GatewayContext => {
    const context: GatewayContext = {
      tier: principal.tier,
      signal: connection.closed.signal,
      requestId: randomUUID(),
      correlationId: null,
      authorization: principal.authorization,
      clientIp: options.clientAddress(req),
      operationName: operationName ?? null,
      partnerId: principal.partnerId,
      scopes: principal.scopes,
      principal: principal.key,
      authorizationContext: principal.authorizationContext,
    };
    connectionOfContext.set(context, connection);
    return context;
  };

  // graphql-sse types the context as a plain record; ours is a GatewayContext.
  const handler = createHandler<Record<PropertyKey, unknown>>({
    authenticate: async (req) => {
      const principal = await principalOf(req.headers.get('authorization'), options);
      if ('refused' in principal) return refusal(401, ErrorCode.UNAUTHENTICATED, principal.message);
      principals.set(req.raw, principal);
      if (req.method === 'PUT') {
        // A reservation (single-connection mode): its token is bound to this principal.
        const token = randomUUID();
        const connection = newConnection(principal);
        reserved.set(token, connection);
        connection.cancelExpiry = atExpiry(principal.expiresAtMs, () => expire(connection, token));
        return token;
      }
      const token = streamToken(req.raw);
      if (!token) return null; // distinct connections
      const connection = reserved.get(token);
      // Someone else's stream is no more found than a stream that never was.
      if (!connection || connection.principal.key !== principal.key) return refusal(404, ErrorCode.NOT_FOUND, 'Stream not found');
      return token;
    },
    onConnect: (req) => {
      const res = req.context.res;
      const token = streamToken(req.raw);
      let connection = token ? reserved.get(token) : undefined;
      if (!connection) {
        connection = newConnection(principals.get(req.raw)!);
        distinct.set(req.raw, connection);
        connection.cancelExpiry = atExpiry(connection.principal.expiresAtMs, () => expire(connection!, null));
      }
      const stream = connection;
      stream.res = res;
      sseStreams.inc();
      res.once('close', () => {
        sseStreams.dec();
        stream.cancelExpiry?.();
        stream.closed.abort(new Error('The client closed the event stream'));
        if (token) reserved.delete(token);
      });
    },
    onSubscribe: async (req, params) => {
      const principal = principals.get(req.raw)!;
      const connection = connectionOf(req.raw);
      if (!connection) return refusal(404, ErrorCode.NOT_FOUND, 'Stream not found');
      const request = persistedFor(principal, params, options.manifest);
      if (request instanceof GraphQLError) return { data: null, errors: [request] };
      const payload = { query: request.query, operationName: request.operationName ?? null, variables: request.variables ?? null };
      const refused = options.limits.refuse(options.planner().apiGraphQLSchema, payload, principal.tier);
      if (refused) return { data: null, errors: refused };
      const limited = await partnerRateRefusal(principal, { query: request.query, operationName: request.operationName }, options.partnerLimiter);
      if (limited) return { data: null, errors: [limited] };
      return {
        schema: options.planner().apiGraphQLSchema,
        document: parse(request.query),
        operationName: request.operationName ?? undefined,
        variableValues: request.variables ?? {},
        contextValue: contextFor(principal, req.raw, connection, request.operationName) as unknown as Record<PropertyKey, unknown>,
      };
    },
    // Queries and mutations as over POST; a query with @defer in parts (defer/over-streams.ts).
    execute: (args: ExecutionArgs) => executeOverStream(options.apollo, args),
    subscribe: (args: ExecutionArgs) => {
      const context = args.contextValue as GatewayContext;
      const connection = connectionOfContext.get(context)!;
      const release = options.caps.acquire(connection, connection.principal.key);
      if (release instanceof GraphQLError) return { data: null, errors: [release] };
      const result = executeSubscription({ document: args.document, operationName: args.operationName ?? undefined, variables: (args.variableValues ?? {}) as Record<string, unknown>, context }, options);
      if (!('terminate' in result)) {
        release();
        return { data: null, ...result };
      }
      connection.subscriptions.add(result);
      open.add(result);
      sseSubscriptions.inc();
      return onceEnded(result, () => {
        release();
        connection.subscriptions.delete(result);
        open.delete(result);
        sseSubscriptions.dec();
      });
    },
    // The same error hygiene as HTTP: no stack traces, internal errors masked.
    onNext: (_context, _req, result) => {
      if (!('errors' in result) || !result.errors?.length) return;
      const errors = (result.errors as readonly unknown[]).map((error) => options.formatError((error as GraphQLError).toJSON?.() ?? (error as GraphQLFormattedError), error));
      return { ...result, errors } as unknown as ExecutionResult;
    },
  });

  const middleware: RequestHandler = async (req, res) => {
    try {
      await handler(req, res);
    } catch (error) {
      options.log.error({ err: error }, 'SSE request failed');
      if (!res.headersSent) res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else res.end();
    }
  };

  return {
    middleware,
    /** Ends every open SSE subscription with `code` (the supergraph changed under it). */
    endAll(code: string, message: string) {
      for (const subscription of open) subscription.terminate({ errors: [new GraphQLError(message, { extensions: { code } })] });
    },
    /** Open subscriptions over SSE (tests, metrics). */
    get openSubscriptions() {
      return open.size;
    },
  };
}

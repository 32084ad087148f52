// graphql-ws on the gateway's /graphql: connection_init must carry a valid bearer token
// (missing: close 4401, invalid: close 4403) before any operation runs, and the socket closes
// with 4401 ("the token has expired") the moment that token expires, ending its subscriptions.
// Subscriptions run through the federation (execute.ts); queries and mutations over the socket
// go through Apollo Server like HTTP ones. A supergraph change ends open subscriptions with a clear code.
// Partner credentials connect too and run persisted operations only (principal.ts); subscriptions
// are capped per socket and per principal (caps.ts, shared with SSE at /graphql/stream: sse.ts).
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { GraphQLError, parse, type ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import client from 'prom-client';
import { WebSocketServer, type WebSocket } from 'ws';
import type { TokenVerifier } from '../../shared/auth/verify';
import type { Logger } from '../../shared/logger';
import { registry } from '../../shared/metrics';
import type { GatewayContext } from '../context';
import { executeOverStream } from '../defer/over-streams';
import { executeSubscription, type ClientSubscription, type SubscriptionDeps } from './execute';
import type { websocketLimits } from '../limits/websocket';
import type { LimitTier } from '../../shared/limits/tiers';
import type { Manifest } from '../partner/persisted-operations';
import type { CappedConnection, SubscriptionCaps } from './caps';
import { partnerRateRefusal, persistedFor, principalOf, type Principal } from './principal';
import type { RateLimiter } from '../../shared/limits/rate-limit';
import { onceEnded } from './tracked';
import { socketSink, type SerializedSink } from './serialized';

const clientSubscriptions = new client.Gauge({
  name: 'gateway_ws_client_subscriptions',
  help: 'Client subscriptions open on this gateway',
  registers: [registry],
});
/** The gateways' WebSocket servers in this process (tests run more than one). */
const socketServers = new Set<WebSocketServer>();
new client.Gauge({
  name: 'gateway_ws_client_connections',
  help: 'Client WebSocket connections open on this gateway (before and after connection_init)',
  registers: [registry],
  collect() {
    this.set([...socketServers].reduce((open, wss) => open + wss.clients.size, 0));
  },
});

export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_FORBIDDEN = 4403;
/** The connection's token expired: like a connection without a token, the client must come back with a fresh one. */
export const CLOSE_TOKEN_EXPIRED = CLOSE_UNAUTHORIZED;
export const TOKEN_EXPIRED_REASON = 'Unauthorized: the token has expired';
/** setTimeout's longest delay; a later expiry re-arms the timer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Closable {
  close(code: number, reason: string): void;
}

/** Closes `socket` when its token expires; returns the cancel function. */
function closeAtExpiry(socket: Closable, expiresAtMs: number): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const left = expiresAtMs - Date.now();
    if (left <= 0) return socket.close(CLOSE_TOKEN_EXPIRED, TOKEN_EXPIRED_REASON);
    timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
  };
  arm();
  return () => clearTimeout(timer);
}

export interface GatewayWebSocketOptions extends SubscriptionDeps {
  httpServer: http.Server;
  apollo: ApolloServer<GatewayContext>;
  verifyToken: TokenVerifier;
  /** The client's address (X-Forwarded-For only from trusted proxies): gateway/trust/request-identity.ts. */
  clientAddress(request: http.IncomingMessage): string | null;
  log: Logger;
  /** Frame size and operation limits (gateway/limits/websocket.ts). */
  limits: ReturnType<typeof websocketLimits>;
  /** The caller's tier from the verified token's claims. */
  tierOf(claims: Awaited<ReturnType<TokenVerifier>>): LimitTier;
  /** Subscriptions per socket and per principal (caps.ts), shared with SSE. */
  caps: SubscriptionCaps;
  /** Partner credentials run only these operations. */
  manifest: Manifest;
  /** Partners' queries and mutations over the socket count here, as over POST /graphql (subscriptions do not). */
  partnerLimiter?: RateLimiter;
  /** CORS for the upgrade: false for a browser's Origin outside the allowlist (no Origin: a non-browser client). */
  allowOrigin?(origin: string | undefined, host: string | undefined): boolean;
}

export function serveGatewayWebSocket(options: GatewayWebSocketOptions) {
  const wss = new WebSocketServer({
    server: options.httpServer,
    path: '/graphql',
    maxPayload: options.limits.maxPayloadBytes,
    verifyClient: options.allowOrigin ? (info: { origin?: string; req: http.IncomingMessage }) => options.allowOrigin!(info.origin || undefined, info.req.headers.host) : undefined,
  });
  socketServers.add(wss);
  const open = new Set<ClientSubscription>();

  type Extra = { principal?: Principal; signal?: AbortSignal; request: http.IncomingMessage; socket: WebSocket; cancelExpiry?: () => void; connection?: CappedConnection };
  const extraOf = new WeakMap<GatewayContext, Extra>();
  /** Each subscription's socket and operation id, for events written serialized once per group (serialized.ts). */
  const sinkOf = new WeakMap<GatewayContext, SerializedSink>();

  const disposable = useServer<Record<string, unknown>, Extra>(
    {
      schema: () => options.planner().apiGraphQLSchema,
      onConnect: async (ctx) => {
        const principal = await principalOf(String(ctx.connectionParams?.authorization ?? '') || null, options);
        if ('refused' in principal) {
          if (principal.refused === 'missing') ctx.extra.socket.close(CLOSE_UNAUTHORIZED, 'Unauthorized: connection_init needs authorization: Bearer <token>');
          return false; // an invalid credential: graphql-ws closes with 4403 Forbidden
        }
        ctx.extra.principal = principal;
        ctx.extra.connection = { open: 0 };
        ctx.extra.signal = options.limits.socketSignal(ctx.extra.socket as never);
        ctx.extra.cancelExpiry = closeAtExpiry(ctx.extra.socket, principal.expiresAtMs);
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        const principal = ctx.extra.principal!;
        // Partner credentials: persisted operations only, as over HTTP (principal.ts).
        const request = persistedFor(principal, payload, options.manifest);
        if (request instanceof GraphQLError) return [request];
        const refused = options.limits.refuse(options.planner().apiGraphQLSchema, request, principal.tier);
        if (refused) return refused;
        const limited = await partnerRateRefusal(principal, request, options.partnerLimiter);
        if (limited) return [limited];
        return { schema: options.planner().apiGraphQLSchema, document: parse(request.query), operationName: request.operationName ?? undefined, variableValues: request.variables ?? undefined };
      },
      onClose: (ctx) => {
        ctx.extra.cancelExpiry?.();
      },
      context: (ctx, id, payload, args): GatewayContext => {
        const principal = ctx.extra.principal!;
        const context: GatewayContext = {
          tier: principal.tier,
          signal: ctx.extra.signal ?? new AbortController().signal,
          requestId: randomUUID(),
          correlationId: null,
          authorization: principal.authorization,
          clientIp: options.clientAddress(ctx.extra.request),
          operationName: args.operationName ?? payload.operationName ?? null,
          partnerId: principal.partnerId,
          scopes: principal.scopes,
          principal: principal.key,
          authorizationContext: principal.authorizationContext,
        };
        extraOf.set(context, ctx.extra);
        sinkOf.set(context, socketSink(ctx.extra.socket, id));
        return context;
      },
      // Queries and mutations as over POST; a query with @defer in parts (defer/over-streams.ts).
      execute: (args: ExecutionArgs) => executeOverStream(options.apollo, args),
      subscribe: (args: ExecutionArgs) => {
        const context = args.contextValue as GatewayContext;
        const extra = extraOf.get(context)!;
        const release = options.caps.acquire(extra.connection!, extra.principal!.key);
        if (release instanceof GraphQLError) return { errors: [release] };
        const result = executeSubscription(
          {
            document: args.document,
            operationName: args.operationName ?? undefined,
            variables: (args.variableValues ?? {}) as Record<string, unknown>,
            context,
            sink: sinkOf.get(context),
          },
          options,
        );
        if (!('terminate' in result)) {
          release();
          return result;
        }
        open.add(result);
        clientSubscriptions.inc();
        return onceEnded(result, () => {
          release();
          open.delete(result);
          clientSubscriptions.dec();
        });
      },
    },
    wss,
  );

  return {
    /** Ends every open subscription with `code` (the supergraph changed under it). */
    endAll(code: string, message: string) {
      for (const subscription of open) subscription.terminate({ errors: [new GraphQLError(message, { extensions: { code } })] });
    },
    async close() {
      for (const socket of wss.clients) socket.close(1001, 'Going away');
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      socketServers.delete(wss);
    },
  };
}

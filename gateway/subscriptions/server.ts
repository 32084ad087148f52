// graphql-ws on the gateway's /graphql: connection_init must carry a valid bearer token
// (missing: close 4401, invalid: close 4403) before any operation runs. Subscriptions run
// through the federation (execute.ts); queries and mutations over the socket go through
// Apollo Server like HTTP ones. A supergraph change ends open subscriptions with a clear code.
import { isPartnerToken } from '../partner/access';
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { GraphQLError, print, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import client from 'prom-client';
import { WebSocketServer } from 'ws';
import { bearerToken, type TokenVerifier } from '../../shared/auth/verify';
import type { Logger } from '../../shared/logger';
import { registry } from '../../shared/metrics';
import type { GatewayContext } from '../context';
import { executeSubscription, type ClientSubscription, type SubscriptionDeps } from './execute';

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

export interface GatewayWebSocketOptions extends SubscriptionDeps {
  httpServer: http.Server;
  apollo: ApolloServer<GatewayContext>;
  verifyToken: TokenVerifier;
  log: Logger;
}

export function serveGatewayWebSocket(options: GatewayWebSocketOptions) {
  const wss = new WebSocketServer({ server: options.httpServer, path: '/graphql' });
  socketServers.add(wss);
  const open = new Set<ClientSubscription>();

  const disposable = useServer<Record<string, unknown>, { authorization?: string; request: http.IncomingMessage; socket: { close(code: number, reason: string): void } }>(
    {
      schema: () => options.planner().apiGraphQLSchema,
      onConnect: async (ctx) => {
        let token: string | null = null;
        try {
          token = bearerToken(String(ctx.connectionParams?.authorization ?? '') || null);
        } catch {
          // A header that is not "Bearer <token>" is an invalid credential.
          return false;
        }
        if (!token) {
          ctx.extra.socket.close(CLOSE_UNAUTHORIZED, 'Unauthorized: connection_init needs authorization: Bearer <token>');
          return false;
        }
        // Partner clients run persisted operations over HTTP only (rate-limited, allowlisted: gateway/partner).
        if (isPartnerToken(token)) return false;
        try {
          await options.verifyToken(token);
        } catch {
          return false; // graphql-ws closes with 4403 Forbidden
        }
        ctx.extra.authorization = `Bearer ${token}`;
        return true;
      },
      context: (ctx, _id, payload): GatewayContext => ({
        requestId: randomUUID(),
        authorization: ctx.extra.authorization ?? null,
        clientIp: ctx.extra.request.socket.remoteAddress ?? null,
        operationName: payload.operationName ?? null,
      }),
      execute: async (args: ExecutionArgs) => {
        const response = await options.apollo.executeOperation(
          { query: print(args.document), variables: (args.variableValues ?? {}) as Record<string, unknown>, operationName: args.operationName ?? undefined },
          { contextValue: args.contextValue as GatewayContext },
        );
        return (response.body.kind === 'single' ? response.body.singleResult : { errors: [new GraphQLError('Incremental delivery is not supported over websockets')] }) as ExecutionResult;
      },
      subscribe: (args: ExecutionArgs) => {
        const result = executeSubscription(
          {
            document: args.document,
            operationName: args.operationName ?? undefined,
            variables: (args.variableValues ?? {}) as Record<string, unknown>,
            context: args.contextValue as GatewayContext,
          },
          options,
        );
        if (!('terminate' in result)) return result;
        open.add(result);
        clientSubscriptions.inc();
        const end = result.return!.bind(result);
        let ended = false;
        const untrack = () => {
          if (ended) return;
          ended = true;
          open.delete(result);
          clientSubscriptions.dec();
        };
        result.return = async () => {
          untrack();
          return end();
        };
        const next = result.next.bind(result);
        result.next = async () => {
          const step = await next();
          if (step.done) untrack();
          return step;
        };
        return result;
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

// A subgraph's Subscription fields over graphql-ws on its /graphql path. The gateway keeps
// one socket per subgraph and multiplexes every client's subscriptions over it, so identity
// travels per operation (the subscribe message's extensions.authorization), never per socket.
import type http from 'node:http';
import { GraphQLError, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import client from 'prom-client';
import { WebSocketServer } from 'ws';
import type { Logger } from '../logger';
import { perService } from '../observability/service-metrics';
import { formatErrorFor } from './format-error';

// Each subgraph's own series (served at its /metrics), labelled with its name.
const socketMetrics = perService((registry) => ({
  connections: new client.Gauge({ name: 'subgraph_ws_connections', help: 'Open graphql-ws connections to a subgraph', registers: [registry] }),
  activeSubscriptions: new client.Gauge({ name: 'subgraph_ws_active_subscriptions', help: 'Subscriptions a subgraph is serving', registers: [registry] }),
}));

export interface ServeSubscriptionsOptions<C> {
  httpServer: http.Server;
  schema: GraphQLSchema;
  service: string;
  contextFor(meta: { authorization: string | null; requestId?: string; operationName: string | null; clientIp: string | null }): Promise<C>;
  log: Logger;
  exposeErrorDetails: boolean;
}

/** Returns a function that closes every socket (as a crash would) and the server. */
export function serveSubscriptions<C>(options: ServeSubscriptionsOptions<C>): () => Promise<void> {
  const wss = new WebSocketServer({ server: options.httpServer, path: '/graphql' });
  const { connections, activeSubscriptions } = socketMetrics(options.service);
  const formatError = formatErrorFor(options.log, options.exposeErrorDetails);
  const disposable = useServer(
    {
      schema: options.schema,
      context: async (ctx, _id, payload) => {
        const extensions = (payload.extensions ?? {}) as Record<string, unknown>;
        const params = (ctx.connectionParams ?? {}) as Record<string, unknown>;
        const request = (ctx.extra as { request: http.IncomingMessage }).request;
        try {
          return await options.contextFor({
            authorization: (extensions.authorization as string | undefined) ?? (params.authorization as string | undefined) ?? null,
            requestId: extensions.requestId as string | undefined,
            operationName: (extensions.operationName as string | undefined) ?? payload.operationName ?? null,
            clientIp: (extensions.clientIp as string | undefined) ?? request.socket.remoteAddress ?? null,
          });
        } catch (error) {
          // A bad token: the operation fails with the token's error; the shared socket stays.
          throw error instanceof GraphQLError ? error : new GraphQLError('Invalid credentials', { extensions: { code: 'UNAUTHENTICATED' } });
        }
      },
      onConnect: () => {
        connections.inc();
        return true;
      },
      onClose: () => {
        connections.dec();
      },
      onSubscribe: () => {
        activeSubscriptions.inc();
      },
      onComplete: () => {
        activeSubscriptions.dec();
      },
      onNext: (_ctx, _id, _payload, _args, result) => maskErrors(result as ExecutionResult, formatError),
      onError: (_ctx, _id, _payload, errors) =>
        errors.map((error) => {
          const formatted = formatError(error.toJSON(), error);
          return new GraphQLError(formatted.message, { extensions: formatted.extensions });
        }),
    },
    wss,
  );
  return async () => {
    for (const socket of wss.clients) socket.terminate();
    await disposable.dispose();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
}

function maskErrors(result: ExecutionResult, formatError: ReturnType<typeof formatErrorFor>): ExecutionResult {
  if (!result.errors?.length) return result;
  return { ...result, errors: result.errors.map((error) => formatError(error.toJSON(), error)) as never };
}

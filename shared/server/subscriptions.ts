// A subgraph's Subscription fields over graphql-ws on its /graphql path. The gateway keeps
// one socket per subgraph and multiplexes every client's subscriptions over it, so identity
// travels per operation (the subscribe message's extensions.authorization), never per socket.
// Only the gateway may open such a socket: its connection_init carries the gateway's signature
// (none: close 4401; invalid: 4403), so what arrives on it is the gateway's word. A subscription
// the gateway asks to hold (shared/trust/audience.ts) is authorized and audited like any other,
// acknowledged once, then sends nothing: the gateway streams its events once for many subscribers.
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { GraphQLError, subscribe, type ExecutionArgs, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import client from 'prom-client';
import { WebSocketServer } from 'ws';
import type { Logger } from '../logger';
import { perService } from '../observability/service-metrics';
import { formatErrorFor } from './format-error';
import type { ForwardedRequest } from '../trust/envelope';
import type { EventCursor } from '../outbox/subscribe';
import { socketSignature, type GatewayVerifier } from './verify-gateway';
import { HELD_ACK, HELD_EXTENSION } from '../trust/audience';

/** Close codes of a socket opened without (4401) or with a bad (4403) gateway signature. */
export const CLOSE_NOT_FROM_GATEWAY = 4401;

// Each subgraph's own series (served at its /metrics), labelled with its name.
const socketMetrics = perService((registry) => ({
  connections: new client.Gauge({ name: 'subgraph_ws_connections', help: 'Open graphql-ws connections to a subgraph', registers: [registry] }),
  activeSubscriptions: new client.Gauge({ name: 'subgraph_ws_active_subscriptions', help: 'Subscriptions a subgraph is serving', registers: [registry] }),
}));

export interface ServeSubscriptionsOptions<C> {
  httpServer: http.Server;
  schema: GraphQLSchema;
  service: string;
  contextFor(meta: { authorization: string | null; forwarded: ForwardedRequest }): Promise<C>;
  /** Checks the gateway's signature on connection_init. */
  verifier: GatewayVerifier;
  log: Logger;
  exposeErrorDetails: boolean;
  /** Largest frame read from a socket (JSON_BODY_LIMIT_BYTES): ws's own default is 100 MB. */
  maxPayloadBytes: number;
}

/** A held subscription's stream: the acknowledgement, then nothing until it is ended. */
function heldStream(): AsyncIterableIterator<ExecutionResult> {
  let acknowledged = false;
  let ended = false;
  let release: (() => void) | undefined;
  const end = async (): Promise<IteratorResult<ExecutionResult>> => {
    ended = true;
    release?.();
    return { value: undefined, done: true };
  };
  return {
    async next() {
      if (ended) return { value: undefined, done: true };
      if (!acknowledged) {
        acknowledged = true;
        return { value: { data: null, extensions: { [HELD_ACK]: true } }, done: false };
      }
      await new Promise<void>((resolve) => (release = resolve));
      return { value: undefined, done: true };
    },
    return: end,
    throw: end,
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** Runs the subscription's subscribe resolver (RBAC, audit); a held one then stops listening and is held. */
async function subscribeOrHold(args: ExecutionArgs, held: WeakSet<object>) {
  const result = await subscribe(args);
  if (!held.has(args.contextValue as object) || !(Symbol.asyncIterator in result)) return result;
  await result.return?.();
  return heldStream();
}

/** Returns a function that closes every socket (as a crash would) and the server. */
export function serveSubscriptions<C>(options: ServeSubscriptionsOptions<C>): () => Promise<void> {
  const wss = new WebSocketServer({ server: options.httpServer, path: '/graphql', maxPayload: options.maxPayloadBytes });
  const { connections, activeSubscriptions } = socketMetrics(options.service);
  const formatError = formatErrorFor(options.log, options.exposeErrorDetails);
  const held = new WeakSet<object>();
  const disposable = useServer(
    {
      schema: options.schema,
      subscribe: (args) => subscribeOrHold(args, held),
      context: async (_ctx, _id, payload) => {
        // The socket is the gateway's (onConnect): the operation's metadata is its word.
        const extensions = (payload.extensions ?? {}) as Record<string, unknown>;
        const text = (key: string) => (typeof extensions[key] === 'string' ? (extensions[key] as string) : null);
        // Where the stream catches up from: the gateway's first subscription (kept across its re-subscriptions).
        const since = typeof extensions.eventsSince === 'number' && Number.isFinite(extensions.eventsSince) ? extensions.eventsSince : null;
        try {
          const context = await options.contextFor({
            authorization: text('authorization'),
            forwarded: {
              requestId: text('requestId') ?? randomUUID(),
              correlationId: text('correlationId'),
              operationName: text('operationName') ?? payload.operationName ?? null,
              clientIp: text('clientIp'),
              // A partner token's credential, as the gateway verified it; the scopes come from the token itself.
              partnerId: text('partnerId'),
              scopes: null,
              deadline: null,
            },
          });
          if (extensions[HELD_EXTENSION] === true) held.add(context as object);
          (context as { events?: EventCursor }).events = { since, current: null };
          return context;
        } catch (error) {
          // A bad token: the operation fails with the token's error; the shared socket stays.
          throw error instanceof GraphQLError ? error : new GraphQLError('Invalid credentials', { extensions: { code: 'UNAUTHENTICATED' } });
        }
      },
      onConnect: async (ctx) => {
        const signature = await socketSignature(options.verifier, options.service, ctx.connectionParams);
        if (signature === 'missing') {
          (ctx.extra as { socket: { close(code: number, reason: string): void } }).socket.close(CLOSE_NOT_FROM_GATEWAY, 'Unauthorized: only the gateway may open subscriptions here');
          return false;
        }
        if (signature === 'invalid') return false; // graphql-ws closes with 4403 Forbidden
        connections.inc();
        return true;
      },
      // Only acknowledged sockets were counted (a refused one never was).
      onDisconnect: () => {
        connections.dec();
      },
      onSubscribe: () => {
        activeSubscriptions.inc();
      },
      onComplete: () => {
        activeSubscriptions.dec();
      },
      // Each event names its outbox id (the gateway drops repeats after it subscribed again) and when it was published (the gateway's latency histogram).
      onNext: (_ctx, _id, _payload, args, result) => withEventId(maskErrors(result as ExecutionResult, formatError), (args.contextValue as { events?: EventCursor } | undefined)?.events),
      onError: (_ctx, _id, _payload, errors) =>
        errors.map((error) => {
          const formatted = formatError(error.toJSON(), error);
          return new GraphQLError(formatted.message, { extensions: formatted.extensions });
        }),
    },
    wss,
  );
  return async () => {
    // 1001 (going away): the gateway's upstream client reconnects and re-subscribes.
    for (const socket of wss.clients) socket.close(1001, 'Going away');
    await disposable.dispose();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
}

function withEventId(result: ExecutionResult, cursor: EventCursor | undefined): ExecutionResult {
  if (!cursor?.current) return result;
  // An event that failed here (no data for it) is passed on again by a later catch-up.
  if (result.errors?.length) {
    cursor.forget?.(cursor.current);
    return result;
  }
  const publishedAt = cursor.publishedAt ?? undefined;
  return { ...result, extensions: { ...result.extensions, eventId: cursor.current, ...(publishedAt ? { publishedAt } : {}) } };
}

function maskErrors(result: ExecutionResult, formatError: ReturnType<typeof formatErrorFor>): ExecutionResult {
  if (!result.errors?.length) return result;
  return { ...result, errors: result.errors.map((error) => formatError(error.toJSON(), error)) as never };
}

// One graphql-ws connection per subgraph per gateway process, shared by every client
// subscription (each carries its caller's token in the subscribe message). The client
// reconnects on its own and re-sends the active subscriptions, so a subgraph restart is
// invisible to the gateway's clients except for the events it missed while down. Every
// (re)connection is signed by the gateway (connection_init's gatewaySignature): subgraphs
// accept sockets from the gateway only.
// Events missed while the socket was down are not lost: the subscribe message names when this
// subscription began (extensions.eventsSince, moved forward as events arrive), so the subgraph's
// fresh stream catches up from the outbox (shared/outbox/subscribe.ts); each event carries its
// outbox id (extensions.eventId), by which the repeats that catch-up brings are dropped here.
import { createClient, type Client, type ExecutionResult } from 'graphql-ws';
import client from 'prom-client';
import WebSocket from 'ws';
import { registry } from '../../shared/metrics';
import { GATEWAY_SOCKET_PARAM } from '../../shared/trust/envelope';

const publishTimes = new WeakMap<object, number>();
/** When the event behind an upstream result was published (ms since the epoch, the publisher's clock), if the subgraph said (extensions.publishedAt). */
export const publishedAtOf = (result: object): number | undefined => publishTimes.get(result);

const upstreamConnections = new client.Gauge({
  name: 'gateway_upstream_ws_connections',
  help: 'graphql-ws connections from this gateway to a subgraph',
  labelNames: ['service'],
  registers: [registry],
});

/** Longest wait between reconnection attempts to a subgraph. */
export const MAX_RECONNECT_WAIT_MS = 2_000;
/** Keep-alive ping interval: finds a dead subgraph connection that TCP would not report. */
export const KEEP_ALIVE_MS = 10_000;
/** A re-subscription catches up from this long before the last event received (events commit out of order within it). */
export const EVENTS_SINCE_MARGIN_MS = 10_000;
/** Event ids remembered per subscription to drop repeats. */
export const REMEMBERED_EVENT_IDS = 2_000;

export interface UpstreamRequest {
  query: string;
  variables: Record<string, unknown>;
  operationName?: string;
  extensions: Record<string, unknown>;
}

export class UpstreamPool {
  private readonly clients = new Map<string, Client>();

  constructor(
    private readonly httpUrls: Record<string, string>,
    /** Signs a socket's connection_init for a subgraph (GatewaySigner.signSocket); called on every (re)connect. */
    private readonly signSocket: (service: string) => Promise<string>,
  ) {}

  private clientFor(service: string): Client {
    let upstream = this.clients.get(service);
    if (upstream) return upstream;
    const httpUrl = this.httpUrls[service];
    if (!httpUrl) throw new Error(`No URL for subgraph ${service}`);
    upstream = createClient({
      url: httpUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: async () => ({ [GATEWAY_SOCKET_PARAM]: await this.signSocket(service) }),
      // Connect on the first subscription, close a while after the last one ends.
      lazy: true,
      lazyCloseTimeout: 5_000,
      keepAlive: KEEP_ALIVE_MS,
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
      retryWait: async (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(MAX_RECONNECT_WAIT_MS, 100 * 2 ** retries))),
      // A client holds at most one socket: the gauge is 1 while it is open.
      on: {
        connected: () => upstreamConnections.set({ service }, 1),
        closed: () => upstreamConnections.set({ service }, 0),
      },
    });
    this.clients.set(service, upstream);
    return upstream;
  }

  subscribe(service: string, request: UpstreamRequest): AsyncIterableIterator<ExecutionResult> {
    // graphql-ws sends this same object again on every re-subscription: moving eventsSince moves the catch-up.
    const payload: UpstreamRequest = { ...request, extensions: { ...request.extensions, eventsSince: Date.now() } };
    const since = payload.extensions.eventsSince as number;
    const upstream = this.clientFor(service);
    const stream = resubscribing(() => upstream.iterate(payload) as AsyncIterableIterator<ExecutionResult>);
    return withoutRepeats(stream, (receivedAt) => {
      payload.extensions.eventsSince = Math.max(since, receivedAt - EVENTS_SINCE_MARGIN_MS);
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((upstream) => upstream.dispose()));
    this.clients.clear();
  }
}

/** Codes that end a client's subscription: the subgraph refused it (a retry would be refused again). */
const FINAL_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'NOT_FOUND', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'OPERATION_LIMIT']);
/** How long the gateway keeps subscribing again after a subgraph failed a subscription for its own reasons (its database down). */
export const RESUBSCRIBE_FOR_MS = 30_000;

function isFinalFailure(error: unknown): boolean {
  if (!Array.isArray(error)) return true; // a socket closed for good (graphql-ws retries the others itself)
  return error.some((item) => FINAL_CODES.has(String((item as { extensions?: { code?: unknown } })?.extensions?.code ?? '')));
}

/**
 * The upstream subscription, subscribed again (same payload: the catch-up goes on from the same
 * point) when the subgraph fails it for a reason of its own, e.g. its database was unreachable
 * when the stream opened: the client's subscription survives that without the client doing
 * anything. A refusal (authentication, permission, a bad argument) still ends it.
 */
export function resubscribing(open: () => AsyncIterableIterator<ExecutionResult>): AsyncIterableIterator<ExecutionResult> {
  let current = open();
  let failingSince: number | null = null;
  let closed = false;
  return {
    async next(): Promise<IteratorResult<ExecutionResult>> {
      for (;;) {
        try {
          const step = await current.next();
          failingSince = null;
          return step;
        } catch (error) {
          const since = (failingSince ??= Date.now());
          if (closed || isFinalFailure(error) || Date.now() - since > RESUBSCRIBE_FOR_MS) throw error;
          await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_RECONNECT_WAIT_MS, 100 + (Date.now() - since) / 4)));
          if (closed) return { value: undefined, done: true };
          current = open();
        }
      }
    },
    async return(): Promise<IteratorResult<ExecutionResult>> {
      closed = true;
      return (await current.return?.()) ?? { value: undefined, done: true };
    },
    async throw(error): Promise<IteratorResult<ExecutionResult>> {
      closed = true;
      return (await current.throw?.(error)) ?? { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** Drops results whose extensions.eventId was already passed on, and takes that extension and publishedAt off (publishedAtOf keeps the latter). */
export function withoutRepeats(source: AsyncIterableIterator<ExecutionResult>, onEvent: (receivedAt: number) => void): AsyncIterableIterator<ExecutionResult> {
  const seen = new Set<string>();
  return {
    async next(): Promise<IteratorResult<ExecutionResult>> {
      for (;;) {
        const step = await source.next();
        if (step.done) return step;
        const { eventId, publishedAt, ...extensions } = (step.value.extensions ?? {}) as Record<string, unknown>;
        if (typeof eventId !== 'string') return step;
        onEvent(Date.now());
        if (seen.has(eventId)) continue;
        seen.add(eventId);
        if (seen.size > REMEMBERED_EVENT_IDS) seen.delete(seen.values().next().value!);
        const { extensions: _dropped, ...rest } = step.value;
        const result = Object.keys(extensions).length ? { ...rest, extensions } : rest;
        if (typeof publishedAt === 'number') publishTimes.set(result, publishedAt);
        return { value: result, done: false };
      }
    },
    return: async () => (await source.return?.()) ?? { value: undefined, done: true },
    throw: async (error) => (await source.throw?.(error)) ?? { value: undefined, done: true },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

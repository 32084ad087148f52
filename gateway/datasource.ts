// How the gateway talks to one subgraph: forwards the caller's token, signs each request for the
// subgraph (gateway/trust/sign.ts: request id, client address, operation, partner, deadline,
// bound to the exact body sent), over a keep-alive pool of its own (gateway/http/upstream.ts, undici),
// or, when the subgraph runs in this process, calls its server directly with the same identity
// (shared/server/in-process.ts); either way it gives up after a deadline so one slow subgraph
// cannot hold a client's request forever.
import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GraphQLError } from 'graphql';
import { GATEWAY_SIGNATURE_HEADER, type ForwardedRequest } from '../shared/trust/envelope';
import { AUDIENCE_EXTENSION } from '../shared/trust/audience';
import type { GatewayContext } from './context';
import client from 'prom-client';
import { registry } from '../shared/metrics';
import type { InProcessAnswer, InProcessCall, SubgraphOperation, InProcessSubgraph, InProcessSubgraphs } from '../shared/server/in-process';
import { errorFromSubgraphErrors, errorFromSubgraphResponse, readBoundedText } from './limits/upstream-response';
import { DEFAULT_RESPONSE_MAX_BYTES, DEFAULT_SUBGRAPH_CONNECTIONS } from '../shared/config';
import { upstreamClient, type UpstreamAnswer, type UpstreamClient } from './http/upstream';
import type { GatewaySigner } from './trust/sign';
import { SubgraphCallFailed, type SubgraphGuard } from './resilience';
import { fetchToken } from './idempotency/token';

export interface SubgraphDataSourceOptions {
  name: string;
  url: string;
  /** Milliseconds before a subgraph request is abandoned (its fields then error, the rest of the response stands). */
  timeoutMs: number;
  /** Largest subgraph response read (RESPONSE_MAX_BYTES). */
  maxResponseBytes?: number;
  /** Signs every request: subgraphs answer nothing else. */
  signer: GatewaySigner;
  /** The subgraph's circuit breaker and retry (gateway/resilience.ts), shared by its data sources. */
  guard: SubgraphGuard;
  /** Its keep-alive pool, shared by its data sources; one of the data source's own (DEFAULT_SUBGRAPH_CONNECTIONS) when unset. */
  client?: UpstreamClient;
  /** Share identical in-flight reads by the same caller: only for a subgraph of public data (DEFAULT_PUBLIC_SERVICES), over HTTP. */
  dedupe?: boolean;
  /** The subgraphs served by this process (SUBGRAPH_TRANSPORT=auto): one listening at `url` is called without HTTP. */
  inProcess?: InProcessSubgraphs;
}

const fetches = new client.Counter({
  name: 'gateway_subgraph_fetches_total',
  help: 'Subgraph fetches answered, by how the subgraph was reached: "in-process" (it runs in this process, SUBGRAPH_TRANSPORT=auto) or "http"',
  labelNames: ['service', 'transport'],
  registers: [registry],
});

/** A fetch without a request context (none is expected): signed as an anonymous request of its own. */
const NO_IDENTITY: Omit<ForwardedRequest, 'deadline' | 'requestId'> = { correlationId: null, operationName: null, clientIp: null, partnerId: null, scopes: null };

/** The parts of a Cache-Control header a subgraph's answer restricts the operation's cache policy with (as Apollo's data source does). */
function cacheHintOf(header: string | null): { maxAge: number; scope?: 'PRIVATE' | 'PUBLIC' } {
  const hint: { maxAge: number; scope?: 'PRIVATE' | 'PUBLIC' } = { maxAge: 0 };
  if (!header) return hint;
  const maxAge = /(?:^|,)\s*max-age=(\d+)/i.exec(header)?.[1];
  if (maxAge) hint.maxAge = Number(maxAge);
  if (/(?:^|,)\s*private\b/i.test(header)) hint.scope = 'PRIVATE';
  if (/(?:^|,)\s*public\b/i.test(header)) hint.scope = 'PUBLIC';
  return hint;
}

export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly maxResponseBytes: number;
  private readonly client: UpstreamClient;
  /** `url` as the in-process registry compares it (unset: HTTP only). */
  private readonly inProcessKey: string | undefined;

  constructor(private readonly options: SubgraphDataSourceOptions) {
    super({ url: options.url });
    this.inProcessKey = options.inProcess?.key(options.url);
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_RESPONSE_MAX_BYTES;
    this.client = options.client ?? upstreamClient({ url: options.url, connections: DEFAULT_SUBGRAPH_CONNECTIONS, maxBytes: this.maxResponseBytes });
  }

  /**
   * One subgraph fetch, without Apollo's per-fetch Headers, Request and Response objects: in this
   * process when the subgraph runs here (shared/server/in-process.ts), else over HTTP with the body
   * serialized once, signed with the request's identity straight from its context, sent on the
   * keep-alive pool and parsed once.
   */
  override async process({ request, context, ...rest }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    if (!request.query) throw new Error('Missing query');
    const mutation = /^\s*mutation\b/.test(request.query);
    const extensions = context?.audience?.length ? { ...request.extensions, [AUDIENCE_EXTENSION]: context.audience } : request.extensions;
    const operation = { query: request.query, variables: request.variables, operationName: request.operationName, extensions };
    const authorization = context?.authorization ?? null;
    const identity: ForwardedRequest = context
      ? { requestId: context.requestId, correlationId: context.correlationId, operationName: context.operationName, clientIp: context.clientIp, partnerId: context.partnerId, scopes: context.scopes, deadline: Date.now() + this.options.timeoutMs }
      : { ...NO_IDENTITY, requestId: randomUUID(), deadline: Date.now() + this.options.timeoutMs };
    // A keyed mutation's fetch: the token of its writes' receipts (gateway/idempotency/token.ts).
    if (mutation && context?.idempotencyScope) identity.idempotencyToken = fetchToken(context.idempotencyScope, request.query, request.variables);
    // The subgraph's own deadline (for every attempt together), and the client's: gone or out of time, the fetch is aborted.
    const abandoned = context?.signal;
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    // Shared while in flight over HTTP: a read of public data by the same caller (never a write, a fan-out or an audited read).
    const shared = !!this.options.dedupe && !mutation && !context?.audience?.length;
    const local = this.inProcessKey === undefined ? undefined : this.options.inProcess?.find(this.inProcessKey, this.options.name);
    // Over HTTP the subgraph writes this request's audit rows itself: its result is then not shared (gateway/shared-reads.ts).
    if (!local) context?.auditBatch?.happenedApart();
    const attempt = local
      ? () => this.callInProcess(local, { operation, authorization, forwarded: identity, signal: abandoned ? AbortSignal.any([abandoned, timeout]) : timeout, auditBatch: context?.auditBatch })
      : await this.prepareHttp(operation, authorization, identity, shared, abandoned, timeout);
    let answer: Answered;
    try {
      answer = await this.options.guard.call(mutation ? 'mutation' : 'query', attempt, abandoned);
    } catch (error) {
      // Unreachable, too slow or its circuit open: a clear, expected condition naming the service, never its address.
      const reason = error instanceof SubgraphCallFailed ? error.reason : 'unreachable';
      throw new GraphQLError(`The ${this.options.name} service ${reason === 'timeout' || reason === 'abandoned' ? 'did not answer in time' : 'is unavailable'}`, {
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: this.options.name },
      });
    }
    fetches.inc({ service: this.options.name, transport: local ? 'in-process' : 'http' });
    const policy = 'incomingRequestContext' in rest ? rest.incomingRequestContext.overallCachePolicy : undefined;
    const restrictCache = (header: string | null) => {
      if (policy && 'restrict' in policy) policy.restrict(cacheHintOf(header));
    };
    // A non-2xx answer: the subgraph's own refusal, or a clean error (never the URL or body Apollo would attach).
    const ok = answer.status >= 200 && answer.status < 300;
    if ('result' in answer) {
      if (!ok) throw errorFromSubgraphErrors(this.options.name, answer.status, answer.result.errors ?? []);
      restrictCache(answer.cacheControl);
      return answer.result as GatewayGraphQLResponse;
    }
    if (!ok) throw await errorFromSubgraphResponse(this.options.name, answer.http, this.maxResponseBytes);
    const parsed = JSON.parse(await readBoundedText(answer.http, this.maxResponseBytes)) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`Expected JSON response body, but received: ${String(parsed)}`);
    restrictCache(answer.http.headers.get('cache-control'));
    return parsed as GatewayGraphQLResponse;
  }

  /**
   * The fetch run by the subgraph's own server in this process; given up (as over HTTP) once
   * `signal` fires. It starts after the event loop's next turn, as a fetch over a socket would:
   * work that never waits on I/O (the embedded database answers in-process) must not keep the
   * process from accepting connections and reading requests.
   */
  private async callInProcess(local: InProcessSubgraph, call: InProcessCall): Promise<Answered> {
    await nextTurn();
    call.signal.throwIfAborted();
    return settledBefore(local(call), call.signal);
  }

  /** The fetch over HTTP, signed once for every attempt. */
  private async prepareHttp(operation: SubgraphOperation, authorization: string | null, identity: ForwardedRequest, shared: boolean, abandoned: AbortSignal | undefined, timeout: AbortSignal): Promise<() => Promise<Answered>> {
    const body = JSON.stringify(operation);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (authorization) headers.authorization = authorization;
    headers[GATEWAY_SIGNATURE_HEADER] = await this.options.signer.signRequest(this.options.name, identity, { body, authorization });
    return async () => {
      const http = await (shared ? this.client.dedupe(`${authorization ?? ''}\n${body}`, { headers, body, signal: timeout }) : this.client.send({ headers, body, signal: abandoned ? AbortSignal.any([abandoned, timeout]) : timeout }));
      return { status: http.status, http };
    };
  }
}

/** A fetch's answer: read over HTTP (its body still text), or the in-process subgraph's result. */
type Answered = { status: number; http: UpstreamAnswer } | InProcessAnswer;

/** `work`'s outcome, or `signal`'s reason once it fires first (the work itself sees the same signal and stops). */
function settledBefore<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(signal.reason);
    signal.addEventListener('abort', stop, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', stop);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', stop);
        reject(error);
      },
    );
  });
}

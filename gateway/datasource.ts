// How the gateway talks to one subgraph: forwards the caller's token, signs each request for the
// subgraph (gateway/trust/sign.ts: request id, client address, operation, partner, deadline,
// bound to the exact body sent), over a keep-alive pool of its own (gateway/http/upstream.ts, undici),
// and gives up after a deadline so one slow subgraph cannot hold a client's request forever.
import { randomUUID } from 'node:crypto';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GraphQLError } from 'graphql';
import { GATEWAY_SIGNATURE_HEADER, type ForwardedRequest } from '../shared/trust/envelope';
import { AUDIENCE_EXTENSION } from '../shared/trust/audience';
import type { GatewayContext } from './context';
import { errorFromSubgraphResponse, readBoundedText } from './limits/upstream-response';
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
  /** Share identical in-flight reads by the same caller: only for a subgraph of public data (DEFAULT_PUBLIC_SERVICES). */
  dedupe?: boolean;
}

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

  constructor(private readonly options: SubgraphDataSourceOptions) {
    super({ url: options.url });
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_RESPONSE_MAX_BYTES;
    this.client = options.client ?? upstreamClient({ url: options.url, connections: DEFAULT_SUBGRAPH_CONNECTIONS, maxBytes: this.maxResponseBytes });
  }

  /**
   * One subgraph fetch, without Apollo's per-fetch Headers, Request and Response objects: the body
   * is serialized once, signed with the request's identity straight from its context, sent on the
   * keep-alive pool and parsed once.
   */
  override async process({ request, context, ...rest }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    if (!request.query) throw new Error('Missing query');
    const mutation = /^\s*mutation\b/.test(request.query);
    const extensions = context?.audience?.length ? { ...request.extensions, [AUDIENCE_EXTENSION]: context.audience } : request.extensions;
    const body = JSON.stringify({ query: request.query, variables: request.variables, operationName: request.operationName, extensions });
    const authorization = context?.authorization ?? null;
    const identity: ForwardedRequest = context
      ? { requestId: context.requestId, correlationId: context.correlationId, operationName: context.operationName, clientIp: context.clientIp, partnerId: context.partnerId, scopes: context.scopes, deadline: Date.now() + this.options.timeoutMs }
      : { ...NO_IDENTITY, requestId: randomUUID(), deadline: Date.now() + this.options.timeoutMs };
    // A keyed mutation's fetch: the token of its writes' receipts (gateway/idempotency/token.ts).
    if (mutation && context?.idempotencyScope) identity.idempotencyToken = fetchToken(context.idempotencyScope, request.query, request.variables);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (authorization) headers.authorization = authorization;
    headers[GATEWAY_SIGNATURE_HEADER] = await this.options.signer.signRequest(this.options.name, identity, { body, authorization });
    // The subgraph's own deadline (for every attempt together), and the client's: gone or out of time, the fetch is aborted.
    const abandoned = context?.signal;
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    // Shared while in flight: a read of public data by the same caller (never a write, a fan-out or an audited read).
    const shared = this.options.dedupe && !mutation && !context?.audience?.length;
    let answer: UpstreamAnswer;
    try {
      answer = await this.options.guard.call(
        mutation ? 'mutation' : 'query',
        () => (shared ? this.client.dedupe(`${authorization ?? ''}\n${body}`, { headers, body, signal: timeout }) : this.client.send({ headers, body, signal: abandoned ? AbortSignal.any([abandoned, timeout]) : timeout })),
        abandoned,
      );
    } catch (error) {
      // Unreachable, too slow or its circuit open: a clear, expected condition naming the service, never its address.
      const reason = error instanceof SubgraphCallFailed ? error.reason : 'unreachable';
      throw new GraphQLError(`The ${this.options.name} service ${reason === 'timeout' || reason === 'abandoned' ? 'did not answer in time' : 'is unavailable'}`, {
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: this.options.name },
      });
    }
    // A non-2xx answer: the subgraph's own refusal, or a clean error (never the URL or body Apollo would attach).
    if (!answer.ok) throw await errorFromSubgraphResponse(this.options.name, answer, this.maxResponseBytes);
    const parsed = JSON.parse(await readBoundedText(answer, this.maxResponseBytes)) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`Expected JSON response body, but received: ${String(parsed)}`);
    const policy = 'incomingRequestContext' in rest ? rest.incomingRequestContext.overallCachePolicy : undefined;
    if (policy && 'restrict' in policy) policy.restrict(cacheHintOf(answer.headers.get('cache-control')));
    return parsed as GatewayGraphQLResponse;
  }
}

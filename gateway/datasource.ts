// How the gateway talks to one subgraph: forwards the caller's token, signs each request for the
// subgraph (gateway/trust/sign.ts: request id, client address, operation, partner, deadline,
// bound to the exact body sent), reuses keep-alive connections (Node's fetch pools them per
// origin), and gives up after a deadline so one slow subgraph cannot hold a client's request forever.
import { randomUUID } from 'node:crypto';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { GATEWAY_SIGNATURE_HEADER, type ForwardedRequest } from '../shared/trust/envelope';
import { AUDIENCE_EXTENSION } from '../shared/trust/audience';
import type { GatewayContext } from './context';
import { currentRequestSignal, withRequestSignal } from './limits/abort';
import { errorFromSubgraphResponse, readBoundedText } from './limits/upstream-response';
import { DEFAULT_RESPONSE_MAX_BYTES } from '../shared/config';
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
}

/**
 * Carries the request's identity from willSendRequest (which has the context) to the fetcher
 * (which has the exact body to sign); it never leaves the gateway.
 */
const PENDING_IDENTITY = 'x-gateway-pending-identity';
type Identity = Omit<ForwardedRequest, 'deadline'>;
/** Carries the operation's kind (query or mutation) from willSendRequest to the fetcher; never sent. */
const PENDING_KIND = 'x-gateway-pending-kind';
/** A fetch without a request context (none is expected): signed as an anonymous request of its own. */
const NO_IDENTITY: Identity = { requestId: '', correlationId: null, operationName: null, clientIp: null, partnerId: null, scopes: null };

/** Replaces the pending identity with the gateway's signature over it and the body being sent. */
async function signed(init: RequestInit, options: SubgraphDataSourceOptions): Promise<RequestInit> {
  const headers = { ...(init.headers as Record<string, string>) };
  const pending = headers[PENDING_IDENTITY];
  delete headers[PENDING_IDENTITY];
  const identity: Identity = pending ? JSON.parse(Buffer.from(pending, 'base64url').toString('utf8')) : { ...NO_IDENTITY, requestId: randomUUID() };
  const forwarded: ForwardedRequest = { ...identity, deadline: Date.now() + options.timeoutMs };
  headers[GATEWAY_SIGNATURE_HEADER] = await options.signer.signRequest(options.name, forwarded, { body: String(init.body ?? ''), authorization: headers.authorization ?? null });
  return { ...init, headers };
}

export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly maxResponseBytes: number;

  constructor(private readonly options: SubgraphDataSourceOptions) {
    super({
      url: options.url,
      fetcher: (async (input: string, init: RequestInit) => {
        // The subgraph's own deadline (for every attempt together), and the client's: gone or out of time, the fetch is aborted.
        const abandoned = currentRequestSignal();
        const timeout = AbortSignal.timeout(options.timeoutMs);
        const signal = abandoned ? AbortSignal.any([abandoned, timeout]) : timeout;
        const headers = { ...(init.headers as Record<string, string>) };
        const kind = headers[PENDING_KIND] === 'mutation' ? 'mutation' : 'query';
        delete headers[PENDING_KIND];
        const request = await signed({ ...init, headers }, options);
        try {
          return await options.guard.call(kind, () => fetch(input, { ...request, signal }), abandoned);
        } catch (error) {
          // Unreachable, too slow or its circuit open: a clear, expected condition naming the service, never its address.
          const reason = error instanceof SubgraphCallFailed ? error.reason : 'unreachable';
          throw new GraphQLError(`The ${options.name} service ${reason === 'timeout' || reason === 'abandoned' ? 'did not answer in time' : 'is unavailable'}`, {
            extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: options.name },
          });
        }
      }) as never,
    });
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_RESPONSE_MAX_BYTES;
  }

  override process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    return withRequestSignal(options.context?.signal, () => super.process(options));
  }

  /** At most maxResponseBytes of a subgraph's answer is read. */
  override async parseBody(response: never): Promise<object | string> {
    const text = await readBoundedText(response as unknown as Response, this.maxResponseBytes);
    return JSON.parse(text) as object;
  }

  /** A non-2xx answer: the subgraph's own refusal, or a clean error (never the URL or body Apollo would attach). */
  override async errorFromResponse(response: never): Promise<GraphQLError> {
    return errorFromSubgraphResponse(this.options.name, response as unknown as Response, this.maxResponseBytes);
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = request.http?.headers;
    if (!headers || !context) return;
    if (context.authorization) headers.set('authorization', context.authorization);
    const { requestId, correlationId, operationName, clientIp, partnerId, scopes } = context;
    const identity: Identity = { requestId, correlationId, operationName, clientIp, partnerId, scopes };
    const mutation = /^\s*mutation\b/.test(request.query ?? '');
    // A keyed mutation's fetch: the token of its writes' receipts (gateway/idempotency/token.ts).
    if (mutation && context.idempotencyScope) identity.idempotencyToken = fetchToken(context.idempotencyScope, request.query ?? '', request.variables);
    headers.set(PENDING_IDENTITY, Buffer.from(JSON.stringify(identity)).toString('base64url'));
    // A fanned-out subscription event: the subscribers it is fetched for go in the signed body.
    if (context.audience?.length) request.extensions = { ...request.extensions, [AUDIENCE_EXTENSION]: context.audience };
    // Only queries are retried (gateway/resilience.ts): a mutation may have run before its connection failed.
    headers.set(PENDING_KIND, mutation ? 'mutation' : 'query');
  }
}

// How the gateway talks to one subgraph: forwards the caller's identity and request id,
// reuses keep-alive connections (Node's fetch pools them per origin), and gives up after
// a deadline so one slow subgraph cannot hold a client's request forever.
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from './context';
import { currentRequestSignal, withRequestSignal } from './limits/abort';
import { errorFromSubgraphResponse, readBoundedText } from './limits/upstream-response';
import { DEFAULT_RESPONSE_MAX_BYTES } from '../shared/config';

/** Headers passed through from the client request to every subgraph fetch. */
export const FORWARDED_HEADERS = ['authorization'] as const;

export interface SubgraphDataSourceOptions {
  name: string;
  url: string;
  /** Milliseconds before a subgraph request is abandoned (its fields then error, the rest of the response stands). */
  timeoutMs: number;
  /** Largest subgraph response read (RESPONSE_MAX_BYTES). */
  maxResponseBytes?: number;
}

export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly maxResponseBytes: number;

  constructor(private readonly options: SubgraphDataSourceOptions) {
    super({
      url: options.url,
      fetcher: (async (input: string, init: RequestInit) => {
        // The subgraph's own deadline, and the client's: gone or out of time, the fetch is aborted.
        const request = currentRequestSignal();
        const timeout = AbortSignal.timeout(options.timeoutMs);
        try {
          return await fetch(input, { ...init, signal: request ? AbortSignal.any([request, timeout]) : timeout });
        } catch (error) {
          // Unreachable or too slow: a clear, expected condition, not an internal error.
          const timedOut = (error as Error).name === 'TimeoutError' || request?.aborted;
          throw new GraphQLError(`The ${options.name} service ${timedOut ? 'did not answer in time' : 'is unavailable'}`, {
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
    headers.set('x-request-id', context.requestId);
    if (context.clientIp) headers.set('x-forwarded-for', context.clientIp);
    if (context.operationName) headers.set('x-operation-name', context.operationName);
  }
}

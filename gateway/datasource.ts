// How the gateway talks to one subgraph: forwards the caller's identity and request id,
// reuses keep-alive connections (Node's fetch pools them per origin), and gives up after
// a deadline so one slow subgraph cannot hold a client's request forever.
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from './context';

/** Headers passed through from the client request to every subgraph fetch. */
export const FORWARDED_HEADERS = ['authorization'] as const;

export interface SubgraphDataSourceOptions {
  name: string;
  url: string;
  /** Milliseconds before a subgraph request is abandoned (its fields then error, the rest of the response stands). */
  timeoutMs: number;
}

export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(options: SubgraphDataSourceOptions) {
    super({
      url: options.url,
      fetcher: (async (input: string, init: RequestInit) => {
        try {
          return await fetch(input, { ...init, signal: AbortSignal.timeout(options.timeoutMs) });
        } catch (error) {
          // Unreachable or too slow: a clear, expected condition, not an internal error.
          const timedOut = (error as Error).name === 'TimeoutError';
          throw new GraphQLError(`The ${options.name} service ${timedOut ? 'did not answer in time' : 'is unavailable'}`, {
            extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: options.name },
          });
        }
      }) as never,
    });
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

// Real graphql-sse clients against the gateway's /graphql/stream, for subscription tests.
import { createClient, type Client, type RequestParams } from 'graphql-sse';
import { gatewayUrl } from './graphql';
import { collectStream } from './ws';

export function sseClient(authorization: string | null, options: { singleConnection?: boolean; url?: string } = {}): Client {
  return createClient<boolean>({
    url: `${options.url ?? gatewayUrl()}/graphql/stream`,
    headers: authorization ? { authorization } : {},
    singleConnection: options.singleConnection ?? false,
    retryAttempts: 0,
  } as never) as Client;
}

/** Collects an operation's results over SSE (the same helpers as graphql-ws's: ws.ts). */
export function collectSse(client: Client, request: RequestParams) {
  return collectStream((sink) => client.subscribe(request, sink));
}

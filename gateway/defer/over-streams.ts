// Queries and mutations sent over the streaming transports (graphql-ws on /graphql, graphql-sse on
// /graphql/stream) run through Apollo like a POST, so limits, plugins and the audit apply. A query
// with @defer is answered incrementally there too: its initial result, then each subsequent
// payload (`{ incremental, hasNext }`) as one more `next` message, as graphql-js's incremental
// execution does over these protocols; the stream completes after the last.
import { HeaderMap, type ApolloServer } from '@apollo/server';
import { print, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { GatewayContext } from '../context';
import { DEFER_MEDIA_TYPE } from './plugin';

/** What the defer plugin reads to answer in parts: a client that takes them (any streaming transport does). */
const STREAMING_REQUEST_HEADERS: [string, string][] = [
  ['content-type', 'application/json'],
  ['accept', `${DEFER_MEDIA_TYPE}, application/graphql-response+json, application/json`],
];

export async function executeOverStream(apollo: ApolloServer<GatewayContext>, args: ExecutionArgs): Promise<ExecutionResult | AsyncGenerator<ExecutionResult>> {
  const query = print(args.document);
  const variables = (args.variableValues ?? {}) as Record<string, unknown>;
  const response = await apollo.executeOperation(
    {
      query,
      variables,
      operationName: args.operationName ?? undefined,
      http: { method: 'POST', headers: new HeaderMap(STREAMING_REQUEST_HEADERS), search: '', body: { query, variables } },
    },
    { contextValue: args.contextValue as GatewayContext },
  );
  if (response.body.kind === 'single') return response.body.singleResult as ExecutionResult;
  const { initialResult, subsequentResults } = response.body;
  return (async function* parts() {
    yield initialResult as ExecutionResult;
    for await (const part of subsequentResults) yield part as ExecutionResult;
  })();
}

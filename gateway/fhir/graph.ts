// Runs the FHIR API's typed operations (clients/operations/fhir.graphql) on the gateway's own
// GraphQL endpoint with the caller's token and request id, by persisted hash: the same path,
// allowlist, rate limit, RBAC and audit as any client's request. Graph errors become FHIR ones.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { LoopClient, LoopGraphQLError } from '../../clients/sdk';
import { fromGraphError } from './outcome';
import { REQUEST_ID_HEADER } from '../../shared/trust/envelope';

export interface GraphCaller {
  authorization: string;
  requestId: string;
  clientIp: string | null;
}

export type RunGraph = <R, V>(document: TypedDocumentNode<R, V>, variables: V) => Promise<R>;

export function graphRunner(graphqlUrl: string, caller: GraphCaller): RunGraph {
  const headers: Record<string, string> = { authorization: caller.authorization, [REQUEST_ID_HEADER]: caller.requestId };
  if (caller.clientIp) headers['x-forwarded-for'] = caller.clientIp;
  const client = new LoopClient({
    url: graphqlUrl,
    persisted: true,
    fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } }),
  });
  return async (document, variables) => {
    try {
      return await (client.request as (d: unknown, v: unknown) => Promise<never>)(document, variables);
    } catch (error) {
      if (error instanceof LoopGraphQLError) throw fromGraphError(error.code, error.message, error.retryAfterSeconds);
      throw error;
    }
  };
}

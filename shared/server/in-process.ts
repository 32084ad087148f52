// Subgraphs this process serves, reachable without HTTP (SUBGRAPH_TRANSPORT=auto). A gateway in
// the same process runs an operation through the subgraph's own Apollo Server, with the context
// an HTTP request gets (the caller's token verified again, its rules, audit, limits, plugins and
// error policy) and takes the result as objects: no socket, no signature, no body parsed again.
// The gateway's signature protects a network hop, and there is none here. A subgraph is found by
// its name and the URL it listens on: a gateway told to reach it anywhere else (another host, a
// proxy) uses HTTP.
import type { FormattedExecutionResult } from 'graphql';
import type { AuditBatch } from '../rbac/audit-batch';
import type { ForwardedRequest } from '../trust/envelope';

/** The operation as the gateway would have sent it in an HTTP body. */
export interface SubgraphOperation {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  extensions?: Record<string, unknown>;
}

export interface InProcessCall {
  operation: SubgraphOperation;
  /** The caller's Authorization header, verified again by the subgraph. */
  authorization: string | null;
  /** What the gateway would have signed: the request's identity, deadline and idempotency token. */
  forwarded: ForwardedRequest;
  /** Fires when the gateway gives up on the fetch (its deadline, or the client gone). */
  signal: AbortSignal;
  /** Where the fetch's audit rows go instead of their own statement: the gateway writes them before its response. */
  auditBatch?: AuditBatch;
}

/** What the subgraph answered: the HTTP status and Cache-Control it would have sent, and the result. */
export interface InProcessAnswer {
  status: number;
  cacheControl: string | null;
  result: FormattedExecutionResult;
}

export type InProcessSubgraph = (call: InProcessCall) => Promise<InProcessAnswer>;

export interface InProcessSubgraphs {
  /** Serves subgraph `name` for `url` (where it listens) until the returned function is called. */
  serve(name: string, url: string, subgraph: InProcessSubgraph): () => void;
  /**
   * The subgraph serving `key` (a URL in the form `key()` gives) in this process, if it is the one
   * named `name`: as a signature names the service it is for, a fetch meant for one subgraph is
   * never served by another at that URL.
   */
  find(key: string, name: string): InProcessSubgraph | undefined;
  /** `url` as this registry compares it (computed once per data source, not per fetch). */
  key(url: string): string;
}

export function inProcessSubgraphs(): InProcessSubgraphs {
  const served = new Map<string, { name: string; subgraph: InProcessSubgraph }>();
  const key = (url: string) => new URL(url).href;
  return {
    serve(name, url, subgraph) {
      const at = key(url);
      const entry = { name, subgraph };
      served.set(at, entry);
      return () => {
        if (served.get(at) === entry) served.delete(at);
      };
    },
    find(at, name) {
      const entry = served.get(at);
      return entry?.name === name ? entry.subgraph : undefined;
    },
    key,
  };
}

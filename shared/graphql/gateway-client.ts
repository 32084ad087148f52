// A subgraph's way into the supergraph, for data another domain owns: every request goes
// through the gateway, with the end user's own bearer token when it reads their data (Luna's
// tools: the graph's RBAC decides what Luna may see and each access is audited under the
// user's name) or with none for public reference data (the catalog's clinical rules). A caller's
// own id (Luna's turn) travels as the client's x-request-id, which the gateway keeps as the
// correlation id: one turn's audit trail is `auditLog(filter: { correlationId: "luna-<turnId>" })`.
// The HTTP is the project's one GraphQL client (./http-client.ts); this adds the subgraphs' policy.
import { GraphQLHttpClient, GraphQLTransportError, REQUEST_ID_HEADER, type GraphQLHttpResponse } from './http-client';

export interface GraphError {
  message: string;
  code: string;
}

export class GraphRequestError extends Error {
  constructor(
    readonly errors: GraphError[],
    readonly operationName: string,
  ) {
    super(errors.map((error) => `${error.code}: ${error.message}`).join('; '));
    this.name = 'GraphRequestError';
  }

  get code(): string {
    return this.errors[0]?.code ?? 'INTERNAL_SERVER_ERROR';
  }
}

export interface GraphClientOptions {
  gatewayUrl: string;
  authorization: string | null;
  /** Sent as x-request-id: the gateway stores it as the audit rows' correlation id. */
  correlationId: string;
  timeoutMs: number;
  /** Ends the request early (a turn that is cancelled). */
  signal?: AbortSignal;
  /** The HTTP transport (default: the global fetch; a test's fake gateway). */
  fetch?: typeof fetch;
}

export class GraphClient {
  private readonly http: GraphQLHttpClient;

  constructor(options: GraphClientOptions) {
    const headers: Record<string, string> = { [REQUEST_ID_HEADER]: options.correlationId };
    if (options.authorization) headers.authorization = options.authorization;
    this.http = new GraphQLHttpClient({ url: options.gatewayUrl, headers, timeoutMs: options.timeoutMs, signal: options.signal, fetch: options.fetch });
  }

  /** The data of an operation; errors (a denial, a missing record) throw GraphRequestError. */
  async request<T>(operationName: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    let response: GraphQLHttpResponse<T>;
    try {
      response = await this.http.post<T>({ query, variables, operationName });
    } catch (error) {
      // No answer: fetch's own error (TimeoutError when the time ran out, AbortError when the turn was cancelled).
      throw error instanceof GraphQLTransportError ? error.cause : error;
    }
    const { body, status } = response;
    if (!body) throw new GraphRequestError([{ code: `HTTP_${status}`, message: 'the gateway did not answer with JSON' }], operationName);
    const errors = (body.errors ?? []).map((error) => ({ message: error.message, code: String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR') }));
    // A partial answer (one subgraph down) is still an answer; a denial anywhere is not.
    if (!body.data || errors.some((error) => error.code === 'FORBIDDEN' || error.code === 'UNAUTHENTICATED')) {
      throw new GraphRequestError(errors.length ? errors : [{ code: `HTTP_${status}`, message: 'no data' }], operationName);
    }
    return body.data;
  }
}

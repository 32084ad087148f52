// A subgraph's way into the supergraph, for data another domain owns: every request goes
// through the gateway, with the end user's own bearer token when it reads their data (Luna's
// tools: the graph's RBAC decides what Luna may see and each access is audited under the
// user's name) or with none for public reference data (the catalog's clinical rules). A caller's
// own id (Luna's turn) travels as the client's x-request-id, which the gateway keeps as the
// correlation id: one turn's audit trail is `auditLog(filter: { correlationId: "luna-<turnId>" })`.
import { REQUEST_ID_HEADER } from '../trust/envelope';

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
}

export class GraphClient {
  constructor(private readonly options: GraphClientOptions) {}

  /** The data of an operation; errors (a denial, a missing record) throw GraphRequestError. */
  async request<T>(operationName: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const headers: Record<string, string> = { 'content-type': 'application/json', [REQUEST_ID_HEADER]: this.options.correlationId };
    if (this.options.authorization) headers.authorization = this.options.authorization;
    const response = await fetch(this.options.gatewayUrl, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables, operationName }),
      signal: this.options.signal ? AbortSignal.any([this.options.signal, AbortSignal.timeout(this.options.timeoutMs)]) : AbortSignal.timeout(this.options.timeoutMs),
    });
    let body: { data?: T | null; errors?: { message: string; extensions?: { code?: string } }[] };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      throw new GraphRequestError([{ code: `HTTP_${response.status}`, message: 'the gateway did not answer with JSON' }], operationName);
    }
    const errors = (body.errors ?? []).map((error) => ({ message: error.message, code: String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR') }));
    // A partial answer (one subgraph down) is still an answer; a denial anywhere is not.
    if (!body.data || errors.some((error) => error.code === 'FORBIDDEN' || error.code === 'UNAUTHENTICATED')) {
      throw new GraphRequestError(errors.length ? errors : [{ code: `HTTP_${response.status}`, message: 'no data' }], operationName);
    }
    return body.data;
  }
}

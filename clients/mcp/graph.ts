// The MCP server's only way to data: GraphQL over HTTP to the gateway, with the caller's own
// bearer token, so the gateway and every subgraph verify it, apply RBAC and write the audit
// trail exactly as for any other client. No database, no service identity. A mutation carries
// an Idempotency-Key (a fresh UUID per tool call, the same on the retry of a connection error).
// The HTTP is the project's one GraphQL client (shared/graphql/http-client.ts).
import { randomUUID } from 'node:crypto';
import { getOperationAST, parse } from 'graphql';
import { GraphQLHttpClient, GraphQLTransportError, IDEMPOTENCY_KEY_HEADER, type GraphQLHttpResponse } from '../../shared/graphql/http-client';
import { ToolError } from '../../shared/tools/tool';

/** Codes of the graph's public contract that end a tool call (the caller must change something). */
const CONTRACT_CODES = ['UNAUTHENTICATED', 'FORBIDDEN', 'RATE_LIMITED', 'OPERATION_LIMIT', 'BAD_USER_INPUT', 'NOT_FOUND'];

/** The gateway could not be reached or did not answer in time (not a GraphQL error code). */
export const GATEWAY_UNAVAILABLE = 'GATEWAY_UNAVAILABLE';

/** A failure of the graph, by its code: a catalogue tool's failure (ToolError) like any other. */
export class GraphError extends ToolError {}

interface WireError {
  message?: string;
  path?: (string | number)[];
  extensions?: { code?: string; retryAfter?: number };
}

export interface GraphResult<T> {
  data: T;
  /** Parts the graph could not deliver (a subgraph down): the rest of `data` is still valid. */
  warnings: string[];
}

export interface GatewayClientOptions {
  url: string;
  /** The caller's token, forwarded as is; undefined = anonymous (public content only). */
  token: string | undefined;
  timeoutMs: number;
}

export class GatewayClient {
  private readonly http: GraphQLHttpClient;

  constructor(private readonly options: GatewayClientOptions) {
    const { url, token, timeoutMs } = options;
    this.http = new GraphQLHttpClient({ url, timeoutMs, headers: token ? { authorization: `Bearer ${token}` } : {} });
  }

  /** Runs one named operation; a contract error, or no data at all, throws a GraphError. */
  async execute<T>(operationName: string, query: string, variables: Record<string, unknown> = {}): Promise<GraphResult<T>> {
    const { url, timeoutMs } = this.options;
    const idempotencyKey = isMutation(query, operationName) ? randomUUID() : undefined;
    const send = () => this.http.post<T>({ operationName, query, variables }, { headers: idempotencyKey ? { [IDEMPOTENCY_KEY_HEADER]: idempotencyKey } : {} });
    let response: GraphQLHttpResponse<T>;
    try {
      // A mutation whose connection failed is sent once more with its key: if it ran, the gateway answers its first result.
      response = await send().catch((error) => (idempotencyKey && !(error instanceof GraphQLTransportError && error.timedOut) ? send() : Promise.reject(error)));
    } catch (error) {
      const reason = error instanceof GraphQLTransportError && error.timedOut ? `no answer within ${timeoutMs} ms` : 'connection failed';
      throw new GraphError(GATEWAY_UNAVAILABLE, `The gateway at ${url} is unreachable (${reason}).`);
    }
    const body = response.body;
    if (!body) throw new GraphError(GATEWAY_UNAVAILABLE, `The gateway at ${url} answered HTTP ${response.status} without a GraphQL response.`);
    const errors = (body.errors ?? []) as WireError[];
    const fatal = errors.find((error) => CONTRACT_CODES.includes(String(error.extensions?.code)));
    if (fatal) throw toGraphError(fatal, response.headers);
    if (body.data == null) {
      throw errors.length ? toGraphError(errors[0], response.headers) : new GraphError('INTERNAL_SERVER_ERROR', 'The graph returned no data.');
    }
    return { data: body.data, warnings: errors.map(describePartialError) };
  }
}

/** Whether `operationName` in `query` is a mutation (the MCP server writes its documents itself: they parse). */
export function isMutation(query: string, operationName: string): boolean {
  try {
    return getOperationAST(parse(query), operationName)?.operation === 'mutation';
  } catch {
    return false;
  }
}

function toGraphError(error: WireError, headers: Headers): GraphError {
  const code = String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
  const header = Number(headers.get('retry-after'));
  const retryAfter = error.extensions?.retryAfter ?? (Number.isFinite(header) && header > 0 ? header : undefined);
  return new GraphError(code, error.message ?? 'The graph reported an error.', retryAfter);
}

function describePartialError(error: WireError): string {
  const where = error.path?.length ? `${error.path.join('.')}: ` : '';
  return `${where}${error.message ?? 'unavailable'}`;
}

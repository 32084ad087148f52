// The one GraphQL-over-HTTP client of the project, on graphql-http's client (the GraphQL over
// HTTP spec's reference implementation) as the transport: the SDK (clients/sdk) re-exports it,
// and Luna's tools, the MCP server, the partner example (through the SDK), the tests and the
// benchmarks send their operations with it. It sends one operation and hands back the answer as
// it came (status, headers, the GraphQL body); what counts as a failure is each caller's policy
// (the SDK's LoopGraphQLError, Luna's GraphRequestError, the MCP server's GraphError). The
// headers it knows: authorization, x-request-id (the gateway keeps it as the correlation id) and
// a mutation's Idempotency-Key.
import { createClient, type RequestParams } from 'graphql-http';
import type { GraphQLFormattedError } from 'graphql';

/** The caller's request id: the gateway keeps it as the correlation id of the request's audit rows and logs (here, not in ../trust, so a browser bundle of the SDK stays free of Node modules). */
export const REQUEST_ID_HEADER = 'x-request-id';
/** A mutation's key: the gateway runs a mutation once per key (gateway/idempotency). */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** What this client accepts unless told otherwise: plain JSON, as older servers and the SDK's users expect. */
export const JSON_ACCEPT = 'application/json';
/** The Accept header the spec recommends: the GraphQL response media type first (refusals keep their 4xx). */
export const GRAPHQL_RESPONSE_ACCEPT = 'application/graphql-response+json, application/json;q=0.9';

/** One operation: a document (or a persisted hash in `extensions`), its name and variables. */
export interface GraphQLRequest {
  query?: string;
  operationName?: string;
  variables?: Record<string, unknown>;
  extensions?: Record<string, unknown>;
}

export interface GraphQLBody<T> {
  data?: T | null;
  errors?: GraphQLFormattedError[];
  extensions?: Record<string, unknown>;
}

/** An answer as it came: `body` is null when the server did not answer with GraphQL JSON (`text` then holds what it said). */
export interface GraphQLHttpResponse<T> {
  status: number;
  headers: Headers;
  body: GraphQLBody<T> | null;
  text?: string;
}

/** No answer at all: the server could not be reached, or the request timed out or was cancelled (`cause`: fetch's own error). */
export class GraphQLTransportError extends Error {
  constructor(
    readonly url: string,
    override readonly cause: unknown,
  ) {
    super(typeof (cause as Error)?.message === 'string' ? (cause as Error).message : String(cause));
    this.name = 'GraphQLTransportError';
  }

  /** The request's time ran out (TimeoutError) or its caller cancelled it (AbortError). */
  get timedOut(): boolean {
    return errorName(this.cause) === 'TimeoutError';
  }
}

export interface GraphQLHttpClientOptions {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  url: string;
  /** Headers of every request (authorization, x-request-id, …), or a function that returns the current ones (a refreshed token). */
  headers?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  /** How long one request may take; none when left out. */
  timeoutMs?: number;
  /** Cancels every request of this client (a Luna turn that is stopped). */
  signal?: AbortSignal;
  /** The Accept header (default JSON_ACCEPT). */
  accept?: string;
  fetch?: typeof fetch;
}

export interface PostOptions {
  /** Headers of this request only (an Idempotency-Key, a signature). */
  headers?: Record<string, string>;
  /** The exact body to send, when a header must be computed over it (a signature); default: the request as JSON. */
  body?: string;
}

export class GraphQLHttpClient {
  constructor(readonly options: GraphQLHttpClientOptions) {}

  /** Sends one operation; resolves with the answer whatever its status, rejects with GraphQLTransportError only when none came. */
  async post<T>(request: GraphQLRequest, options: PostOptions = {}): Promise<GraphQLHttpResponse<T>> {
    const { url, timeoutMs, signal, accept = JSON_ACCEPT } = this.options;
    const base = typeof this.options.headers === 'function' ? await this.options.headers() : (this.options.headers ?? {});
    const fetchFn = this.options.fetch ?? fetch;
    const signals = [signal, timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs)].filter((s): s is AbortSignal => s !== undefined);
    let response: Response | undefined;
    let failure: unknown;
    // graphql-http runs the exchange (one POST, the answer's media type checked, the JSON read);
    // its fetch is ours, to set the headers and the deadline and to keep the response it read.
    const transport = createClient({
      url,
      fetchFn: async (input: string, init: RequestInit) => {
        const headers = { 'content-type': 'application/json', accept, ...base, ...options.headers };
        try {
          response = await fetchFn(input, {
            ...init,
            headers,
            body: options.body ?? init.body,
            signal: signals.length ? AbortSignal.any([init.signal!, ...signals]) : init.signal,
          });
        } catch (error) {
          failure = error;
          throw error;
        }
        return response;
      },
    });
    try {
      const body = await new Promise<GraphQLBody<T>>((resolve, reject) => {
        let result: GraphQLBody<T> | undefined;
        transport.subscribe<T>(request as RequestParams, {
          next: (value) => (result = value as GraphQLBody<T>),
          error: reject,
          complete: () => (result ? resolve(result) : reject(new Error('no answer'))),
        });
      });
      return { status: response!.status, headers: response!.headers, body };
    } catch (error) {
      const cause = failure ?? error;
      if (!response || errorName(cause) === 'TimeoutError' || errorName(cause) === 'AbortError') throw new GraphQLTransportError(url, cause);
      // An answer, but not a 2xx GraphQL JSON one (graphql-http's NetworkError, a media type or a body it refused): a 4xx/5xx GraphQL body is still read as such.
      const text = await response.text().catch(() => '');
      return { status: response.status, headers: response.headers, body: parseBody<T>(text), text };
    } finally {
      transport.dispose();
    }
  }
}

/** An error's name, whatever realm made it (fetch's DOMException is no `instanceof Error` in every one). */
const errorName = (error: unknown): string | undefined => (typeof (error as Error)?.name === 'string' ? (error as Error).name : undefined);

function parseBody<T>(text: string): GraphQLBody<T> | null {
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' && ('data' in parsed || 'errors' in parsed) ? (parsed as GraphQLBody<T>) : null;
  } catch {
    return null;
  }
}

// The typed client of the Loop Health graph: HTTP queries and mutations, queries with @defer
// read part by part (multipart/mixed, parsed by meros), subscriptions over graphql-ws or SSE
// (graphql-sse) with reconnect, the bearer token on all, and errors typed by extensions.code.
// HTTP goes through the project's one GraphQL-over-HTTP client (shared/graphql/http-client.ts,
// on graphql-http), which this package re-exports.
// Documents come from ./generated (npm run codegen), so variables and results are typed.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type GraphQLFormattedError, type OperationDefinitionNode } from 'graphql';
import { createClient as createSseClient, type Client as SseClient } from 'graphql-sse';
import { createClient, type Client as WsClient } from 'graphql-ws';
import { meros } from 'meros/browser';
import { GraphQLHttpClient, GraphQLTransportError, IDEMPOTENCY_KEY_HEADER, type GraphQLHttpResponse, type GraphQLRequest } from '../../shared/graphql/http-client';
import { LoopGraphQLError, networkError } from './errors';
import { PERSISTED_OPERATION_HASHES } from './generated/persisted';

export interface LoopClientOptions {
  /** The gateway's GraphQL endpoint, e.g. http://localhost:4000/graphql. */
  url: string;
  /** A bearer token, or a function that returns the current one (refreshed tokens). */
  token?: string | null | (() => string | null | undefined | Promise<string | null | undefined>);
  /** Send operations by their persisted hash only (required for partner credentials). */
  persisted?: boolean;
  /** WebSocket implementation outside browsers (e.g. `ws`). */
  webSocketImpl?: unknown;
  /**
   * How subscriptions travel: 'websocket' (graphql-ws, the default) or 'sse' (graphql-sse at
   * `<url>/stream`, for networks that drop WebSockets).
   */
  subscriptionTransport?: 'websocket' | 'sse';
  /** Reconnect attempts for subscriptions before giving up (default 10, with backoff). */
  retryAttempts?: number;
  fetch?: typeof fetch;
  /** Attempts in all for a mutation, its Idempotency-Key the same each time (default DEFAULT_MUTATION_ATTEMPTS; 1 = no retry). */
  mutationAttempts?: number;
  /** First wait between a mutation's attempts (default DEFAULT_MUTATION_RETRY_DELAY_MS), doubled each time. */
  mutationRetryDelayMs?: number;
}

export interface SubscriptionHandlers<R> {
  next(data: R): void;
  error?(error: LoopGraphQLError): void;
  complete?(): void;
}

type Variables<V> = V extends Record<string, never> ? V | undefined : V;

export interface RequestOptions {
  /**
   * A mutation's Idempotency-Key: the gateway runs a mutation once per key, and a retry with the
   * same key gets the first result. Default: a fresh UUID per request() call, reused on the
   * retries request() makes itself. Pass your own to reuse one across your own retries.
   */
  idempotencyKey?: string;
}

/**
 * One step of a query with @defer (requestInParts): the data so far, the initial part's with
 * every deferred part received merged in. Fields of fragments not yet delivered are absent.
 */
export interface PartialResult<R> {
  data: R;
  /** Labels of the deferred fragments this step delivered (none for the first step). */
  labels: string[];
  /** True while deferred parts are still to come. */
  hasNext: boolean;
  /** Errors inside the fragments this step delivered (their fields are null); the first part's errors reject instead. */
  error?: LoopGraphQLError;
}

/** What requestInParts asks for: incremental delivery in the format the gateway serves, else one JSON answer. */
export const INCREMENTAL_ACCEPT = 'multipart/mixed; deferSpec=20220824, application/json;q=0.9';

interface IncrementalPayload {
  data?: Record<string, unknown> | null;
  errors?: GraphQLFormattedError[];
  incremental?: { data?: Record<string, unknown> | null; path: (string | number)[]; label?: string; errors?: GraphQLFormattedError[] }[];
  hasNext?: boolean;
}

/** Merges a deferred fragment's fields into the object they belong to. */
function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (value && typeof value === 'object' && !Array.isArray(value) && existing && typeof existing === 'object' && !Array.isArray(existing)) {
      mergeInto(existing as Record<string, unknown>, value as Record<string, unknown>);
    } else target[key] = value;
  }
}

/** Attempts in all for a mutation request() retries itself (same key each time): network errors, 5xx, a key in use. */
export const DEFAULT_MUTATION_ATTEMPTS = 3;
/** First wait between those attempts, doubled each time. */
export const DEFAULT_MUTATION_RETRY_DELAY_MS = 250;

/** A fresh key for one logical mutation call (reuse it on that call's retries). */
export const newIdempotencyKey = (): string => globalThis.crypto.randomUUID();

function operationOf(document: TypedDocumentNode<unknown, unknown>): OperationDefinitionNode {
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
  if (!operation?.name) throw new Error('The document has no named operation');
  return operation;
}

export class LoopClient {
  private ws?: WsClient;
  private readonly printed = new WeakMap<object, string>();

  /** The HTTP: the project's one GraphQL-over-HTTP client (re-exported by this package). */
  private readonly http: GraphQLHttpClient;

  constructor(private readonly options: LoopClientOptions) {
    this.http = new GraphQLHttpClient({
      url: options.url,
      fetch: options.fetch,
      headers: async (): Promise<Record<string, string>> => {
        const authorization = await this.authorization();
        return authorization ? { authorization } : {};
      },
    });
  }

  private async authorization(): Promise<string | undefined> {
    const token = typeof this.options.token === 'function' ? await this.options.token() : this.options.token;
    return token ? `Bearer ${token}` : undefined;
  }

  private text(document: TypedDocumentNode<unknown, unknown>): string {
    let text = this.printed.get(document);
    if (!text) this.printed.set(document, (text = print(document)));
    return text;
  }

  /**
   * Runs a query or mutation; resolves with its data or rejects with a LoopGraphQLError. A mutation
   * carries an Idempotency-Key and is retried (same key) on errors that may pass: the gateway
   * answers a retry of one that already ran with its first result, so nothing is done twice.
   */
  async request<R, V>(document: TypedDocumentNode<R, V>, ...[variables, options]: V extends Record<string, never> ? [V?, RequestOptions?] : [V, RequestOptions?]): Promise<R> {
    const operation = operationOf(document as TypedDocumentNode<unknown, unknown>);
    if (operation.operation !== 'mutation') return this.send(document, variables as V | undefined);
    const key = options?.idempotencyKey ?? newIdempotencyKey();
    const attempts = Math.max(1, this.options.mutationAttempts ?? DEFAULT_MUTATION_ATTEMPTS);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.send(document, variables as V | undefined, key);
      } catch (error) {
        // A rate limit is the caller's to wait out (its Retry-After may be long): not retried here.
        if (!(error instanceof LoopGraphQLError) || !error.retryable || error.code === 'RATE_LIMITED' || attempt >= attempts) throw error;
        const delay = error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 : (this.options.mutationRetryDelayMs ?? DEFAULT_MUTATION_RETRY_DELAY_MS) * 2 ** (attempt - 1);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private async send<R, V>(document: TypedDocumentNode<R, V>, variables: V | undefined, idempotencyKey?: string): Promise<R> {
    const operationName = operationOf(document as TypedDocumentNode<unknown, unknown>).name!.value;
    const body: GraphQLRequest = { operationName, variables: (variables ?? {}) as Record<string, unknown> };
    if (this.options.persisted) {
      const hash = PERSISTED_OPERATION_HASHES[operationName];
      if (!hash) throw new Error(`${operationName} is not a persisted operation: add it to clients/operations and run npm run codegen`);
      body.extensions = { persistedQuery: { version: 1, sha256Hash: hash } };
    } else {
      body.query = this.text(document as TypedDocumentNode<unknown, unknown>);
    }
    let response: GraphQLHttpResponse<R>;
    try {
      response = await this.http.post<R>(body, { headers: idempotencyKey ? { [IDEMPOTENCY_KEY_HEADER]: idempotencyKey } : {} });
    } catch (error) {
      throw networkError(`Could not reach ${this.options.url}: ${error instanceof GraphQLTransportError ? error.message : (error as Error).message}`);
    }
    const retryAfter = Number(response.headers.get('retry-after')) || undefined;
    const result = response.body;
    if (!result) {
      throw new LoopGraphQLError([{ message: `HTTP ${response.status} without a GraphQL answer`, extensions: { code: response.status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'NETWORK_ERROR' } }], undefined, response.status);
    }
    if (result.errors?.length) throw new LoopGraphQLError(result.errors, result.data, response.status, retryAfter);
    if (!result.data) throw new LoopGraphQLError([{ message: `HTTP ${response.status} without data` }], undefined, response.status);
    return result.data;
  }

  /**
   * Runs a query whose fragments carry @defer and yields as its parts arrive: first the data
   * outside the deferred fragments, then the same data with each deferred fragment merged in as
   * the gateway delivers it (`labels` says which). A server or proxy that answers in one piece
   * gives one step with everything. Errors of the first part reject, as request() does.
   */
  async *requestInParts<R, V>(document: TypedDocumentNode<R, V>, ...[variables]: V extends Record<string, never> ? [V?] : [V]): AsyncGenerator<PartialResult<R>> {
    const operation = operationOf(document as TypedDocumentNode<unknown, unknown>);
    const body = JSON.stringify({ operationName: operation.name!.value, query: this.text(document as TypedDocumentNode<unknown, unknown>), variables: variables ?? {} });
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: INCREMENTAL_ACCEPT };
    const authorization = await this.authorization();
    if (authorization) headers.authorization = authorization;
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(this.options.url, { method: 'POST', headers, body });
    } catch (error) {
      throw networkError(`Could not reach ${this.options.url}: ${(error as Error).message}`);
    }
    const parts = await meros<IncrementalPayload>(response);
    if (parts instanceof Response) {
      let result: IncrementalPayload;
      try {
        result = (await parts.json()) as IncrementalPayload;
      } catch {
        throw new LoopGraphQLError([{ message: `HTTP ${response.status} without a GraphQL answer`, extensions: { code: response.status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'NETWORK_ERROR' } }], undefined, response.status);
      }
      if (result.errors?.length) throw new LoopGraphQLError(result.errors, result.data, response.status);
      if (!result.data) throw new LoopGraphQLError([{ message: `HTTP ${response.status} without data` }], undefined, response.status);
      yield { data: result.data as R, labels: [], hasNext: false };
      return;
    }
    let data: Record<string, unknown> | undefined;
    for await (const part of parts) {
      const payload = (part.json ? part.body : JSON.parse(String(part.body))) as IncrementalPayload;
      if (!data) {
        if (payload.errors?.length) throw new LoopGraphQLError(payload.errors, payload.data, response.status);
        if (!payload.data) throw new LoopGraphQLError([{ message: `HTTP ${response.status} without data` }], undefined, response.status);
        data = payload.data;
        yield { data: data as R, labels: [], hasNext: payload.hasNext ?? false };
        continue;
      }
      const labels = new Set<string>();
      const errors: GraphQLFormattedError[] = [];
      for (const item of payload.incremental ?? []) {
        if (item.label) labels.add(item.label);
        errors.push(...(item.errors ?? []));
        let at: unknown = data;
        for (const step of item.path) at = (at as Record<string | number, unknown> | null | undefined)?.[step];
        if (at && typeof at === 'object' && item.data) mergeInto(at as Record<string, unknown>, item.data);
      }
      yield { data: data as R, labels: [...labels], hasNext: payload.hasNext ?? false, ...(errors.length ? { error: new LoopGraphQLError(errors, data) } : {}) };
    }
  }

  private sse?: SseClient;

  private sseClient(): SseClient {
    this.sse ??= createSseClient({
      url: `${this.options.url.replace(/\/$/, '')}/stream`,
      // The token is read for every connection, so a refreshed token is used after a drop.
      headers: async (): Promise<Record<string, string>> => {
        const authorization = await this.authorization();
        return authorization ? { authorization } : {};
      },
      retryAttempts: this.options.retryAttempts ?? 10,
      fetchFn: this.options.fetch,
    });
    return this.sse;
  }

  private socket(): WsClient {
    if (!this.ws) {
      const url = this.options.url.replace(/^http/, 'ws');
      this.ws = createClient({
        url,
        webSocketImpl: this.options.webSocketImpl,
        lazy: true,
        // The token is read on every (re)connect, so a refreshed token is used after a drop.
        connectionParams: async () => {
          const authorization = await this.authorization();
          return authorization ? { authorization } : {};
        },
        retryAttempts: this.options.retryAttempts ?? 10,
        // Reconnect after drops and server restarts; not after an authentication refusal (4401/4403).
        shouldRetry: (event) => !(typeof event === 'object' && event && 'code' in event && [4401, 4403].includes((event as { code: number }).code)),
      });
    }
    return this.ws;
  }

  /** Subscribes; returns the function that ends the subscription. */
  subscribe<R, V>(document: TypedDocumentNode<R, V>, variables: Variables<V>, handlers: SubscriptionHandlers<R>): () => void {
    const operationName = operationOf(document as TypedDocumentNode<unknown, unknown>).name!.value;
    const transport = this.options.subscriptionTransport === 'sse' ? this.sseClient() : this.socket();
    return transport.subscribe<R>(
      { query: this.text(document as TypedDocumentNode<unknown, unknown>), operationName, variables: (variables ?? {}) as Record<string, unknown> },
      {
        next: (result) => {
          if (result.errors?.length) handlers.error?.(new LoopGraphQLError(result.errors as GraphQLFormattedError[], result.data));
          else if (result.data) handlers.next(result.data as R);
        },
        error: (error) => {
          if (Array.isArray(error)) handlers.error?.(new LoopGraphQLError(error as GraphQLFormattedError[]));
          else if (error instanceof Error) handlers.error?.(networkError(error.message));
          else {
            const close = error as { code?: number; reason?: string };
            handlers.error?.(
              new LoopGraphQLError([{ message: close.reason || 'The subscription connection closed', extensions: { code: close.code === 4401 ? 'UNAUTHENTICATED' : close.code === 4403 ? 'FORBIDDEN' : 'NETWORK_ERROR' } }]),
            );
          }
        },
        complete: () => handlers.complete?.(),
      },
    );
  }

  /** The same subscription as an async iterator (ends when the loop breaks). */
  async *stream<R, V>(document: TypedDocumentNode<R, V>, variables: Variables<V>): AsyncGenerator<R> {
    const queue: R[] = [];
    let failure: LoopGraphQLError | undefined;
    let done = false;
    let wake: (() => void) | undefined;
    const unsubscribe = this.subscribe(document, variables, {
      next: (data) => {
        queue.push(data);
        wake?.();
      },
      error: (error) => {
        failure = error;
        wake?.();
      },
      complete: () => {
        done = true;
        wake?.();
      },
    });
    try {
      for (;;) {
        if (queue.length) yield queue.shift()!;
        else if (failure) throw failure;
        else if (done) return;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      unsubscribe();
    }
  }

  async close(): Promise<void> {
    await this.ws?.dispose();
    this.ws = undefined;
    this.sse?.dispose();
    this.sse = undefined;
  }
}

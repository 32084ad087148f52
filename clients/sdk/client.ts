// The typed client of the Loop Health graph: HTTP queries and mutations, graphql-ws
// subscriptions with reconnect, the bearer token on both, and errors typed by extensions.code.
// HTTP goes through the project's one GraphQL-over-HTTP client (shared/graphql/http-client.ts,
// on graphql-http), which this package re-exports.
// Documents come from ./generated (npm run codegen), so variables and results are typed.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type GraphQLFormattedError, type OperationDefinitionNode } from 'graphql';
import { createClient, type Client as WsClient } from 'graphql-ws';
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
    return this.socket().subscribe<R>(
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
  }
}

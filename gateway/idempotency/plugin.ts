// Idempotency keys for mutations (Stripe's model): a mutation sent with an `Idempotency-Key`
// header (or `extensions.idempotencyKey`) runs once per key and principal; a retry with the same
// key gets the first result again (header `Idempotent-Replayed: true`) for the key's lifetime.
// The same key with another operation or other variables is refused (IDEMPOTENCY_KEY_REUSED,
// HTTP 422); a retry while the first request still runs is refused (IDEMPOTENCY_KEY_IN_USE,
// HTTP 409). Queries and subscriptions ignore keys. A first attempt that failed before doing
// anything (no field answered and the error was ours, not the client's: a subgraph unreachable,
// an internal error, a rate limit) gives its key up, so the client's retry runs again.
// What makes that safe whatever the first attempt really did (committed, then its answer lost):
// each subgraph fetch of a keyed mutation carries a token (token.ts) under which the subgraph's
// write transactions leave receipts with their results (shared/audit/receipts.ts); a retry that
// reaches the subgraph gets those results back and writes nothing. So a claim only needs to
// outlive its own attempt (lockMs: the subgraph deadline and a margin), and when the key store
// cannot be reached the request goes on without a claim instead of failing.
import { createHash } from 'node:crypto';
import type { ApolloServerPlugin, GraphQLRequestContext, GraphQLResponse } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '../../shared/graphql/errors';
import type { Logger } from '../../shared/logger';
import type { IdempotencyStore, Begin } from './store';
import { AUDIT_UNAVAILABLE } from '../../shared/rbac/audit';
import { canonicalJson, idempotencyScope } from './token';

export { canonicalJson };

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';
/** Longest key accepted (Stripe's limit). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
/**
 * How long the first request's claim blocks retries when its end was never recorded (the gateway
 * died, or the key store was unreachable when it answered); after it a retry takes the key over.
 * The gateway passes its longest subgraph deadline plus IDEMPOTENCY_LOCK_MARGIN_MS.
 */
export const DEFAULT_IDEMPOTENCY_LOCK_MS = 10_000;
/** Added to the subgraph deadline for the claim's lock: the time to record the answer. */
export const IDEMPOTENCY_LOCK_MARGIN_MS = 2_000;
/** Errors that mean "nothing was done, try again" when no field answered (the write receipts make it safe if something was). */
const RETRYABLE_CODES = new Set(['INTERNAL_SERVER_ERROR', 'SUBGRAPH_UNAVAILABLE', ErrorCode.RATE_LIMITED, AUDIT_UNAVAILABLE]);

export interface IdempotencyOptions<C> {
  store: IdempotencyStore;
  /** How long a key keeps its first result (config.events.idempotencyKeyTtlSeconds). */
  ttlSeconds: number;
  lockMs?: number;
  /** Whose key it is: keys are scoped per principal; none (anonymous) = keys are not used. */
  principalOf: (context: C) => string | null;
  /** Hands the key's scope to the request's subgraph fetches (their write receipts' tokens derive from it). */
  setScope?: (context: C, scope: string) => void;
  log: Logger;
}

const KEY_SHAPE = /^[\x21-\x7e]+$/;

function errorResponse(status: number, message: string, code: string): GraphQLResponse {
  const headers = new Map<string, string>() as GraphQLResponse['http']['headers'];
  return { http: { status, headers }, body: { kind: 'single', singleResult: { errors: [{ message, extensions: { code } }] } } };
}

export function requestHash(operationName: string | null | undefined, source: string, variables: unknown): string {
  return createHash('sha256').update(canonicalJson([operationName ?? null, source, variables ?? {}])).digest('hex');
}

function keyOf(request: GraphQLRequestContext<any>['request']): string | undefined {
  const header = request.http?.headers.get(IDEMPOTENCY_KEY_HEADER);
  if (header !== undefined && header !== null && header !== '') return header;
  const extension = request.extensions?.idempotencyKey;
  return extension === undefined || extension === null ? undefined : String(extension);
}

/** Whether a first attempt's answer is final (kept for retries) or a failure that did nothing (the key is given up). */
export function isFinal(result: { data?: Record<string, unknown> | null; errors?: readonly GraphQLFormattedError[] }): boolean {
  const answered = result.data && Object.values(result.data).some((value) => value !== null);
  if (answered || !result.errors?.length) return true;
  return !result.errors.some((error) => RETRYABLE_CODES.has(String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR')));
}

export function idempotencyPlugin<C extends object>(options: IdempotencyOptions<C>): ApolloServerPlugin<C> {
  const lockMs = options.lockMs ?? DEFAULT_IDEMPOTENCY_LOCK_MS;
  return {
    async requestDidStart(start) {
      const key = keyOf(start.request);
      if (key === undefined) return;
      let claimed: { principal: string; key: string } | null = null;
      return {
        async responseForOperation(context) {
          if (context.operation?.operation !== 'mutation') return null;
          const principal = options.principalOf(context.contextValue);
          if (!principal) return null;
          if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH || !KEY_SHAPE.test(key)) {
            return errorResponse(400, `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable characters without spaces`, ErrorCode.BAD_USER_INPUT);
          }
          const hash = requestHash(context.operationName, context.source, context.request.variables);
          options.setScope?.(context.contextValue, idempotencyScope(principal, key, hash));
          let begun: Begin;
          try {
            begun = await options.store.begin({ principal, key, requestHash: hash, ttlSeconds: options.ttlSeconds, lockMs });
          } catch (error) {
            // The key store is unreachable: run without a claim; the subgraphs' write receipts still keep a retry from writing twice.
            options.log.warn({ err: error }, 'idempotency: the key store is unreachable; running the keyed mutation on write receipts alone');
            return null;
          }
          switch (begun.kind) {
            case 'claimed':
              claimed = { principal, key };
              return null;
            case 'mismatch':
              return errorResponse(422, 'This Idempotency-Key was already used with another operation or other variables: use a new key for a new request', ErrorCode.IDEMPOTENCY_KEY_REUSED);
            case 'in-flight':
              return errorResponse(409, 'The first request with this Idempotency-Key is still running: retry once it has answered', ErrorCode.IDEMPOTENCY_KEY_IN_USE);
            case 'replay': {
              const response = errorResponse(begun.httpStatus, '', '');
              response.http.headers.set(REPLAYED_HEADER, 'true');
              response.body = { kind: 'single', singleResult: begun.response as never };
              return response;
            }
          }
        },
        async willSendResponse(context) {
          if (!claimed) return;
          const { principal, key: claimedKey } = claimed;
          claimed = null;
          const body = context.response.body;
          try {
            if (body.kind === 'single' && isFinal(body.singleResult)) {
              await options.store.complete(principal, claimedKey, context.response.http.status ?? 200, body.singleResult);
            } else {
              await options.store.release(principal, claimedKey);
            }
          } catch (error) {
            // The result goes out anyway; the key stays claimed until its lock passes, then a retry runs again.
            options.log.error({ err: error }, 'idempotency: could not keep the result of a keyed mutation');
          }
        },
      };
    },
  };
}

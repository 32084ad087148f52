// Typed errors: every failure the graph reports carries one of the contract's codes
// (docs/architecture.md); the SDK surfaces the first error's code, and keeps them all.
import type { GraphQLFormattedError } from 'graphql';

export const ERROR_CODES = ['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'NOT_FOUND', 'RATE_LIMITED', 'OPERATION_LIMIT'] as const;
/** The contract's codes, plus what a client can meet outside them (a server fault, a network failure). */
export type LoopErrorCode = (typeof ERROR_CODES)[number] | 'SUBGRAPH_UNAVAILABLE' | 'INTERNAL_SERVER_ERROR' | 'NETWORK_ERROR' | 'PERSISTED_QUERY_NOT_FOUND';

export class LoopGraphQLError extends Error {
  readonly code: LoopErrorCode;
  /** Seconds to wait before retrying, for RATE_LIMITED. */
  readonly retryAfterSeconds?: number;

  constructor(
    readonly errors: readonly GraphQLFormattedError[],
    /** Whatever data came back beside the errors (a partial result). */
    readonly data?: unknown,
    readonly status?: number,
    retryAfterSeconds?: number,
  ) {
    super(errors.map((error) => error.message).join('; ') || 'GraphQL request failed');
    this.name = 'LoopGraphQLError';
    const code = errors[0]?.extensions?.code;
    this.code = (typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR') as LoopErrorCode;
    const fromExtensions = errors[0]?.extensions?.retryAfter;
    this.retryAfterSeconds = retryAfterSeconds ?? (typeof fromExtensions === 'number' ? fromExtensions : undefined);
  }

  /** Whether sending the same request again later may succeed. */
  get retryable(): boolean {
    return this.code === 'RATE_LIMITED' || this.code === 'NETWORK_ERROR' || this.code === 'SUBGRAPH_UNAVAILABLE' || (this.status !== undefined && this.status >= 500);
  }
}

export const networkError = (message: string) => new LoopGraphQLError([{ message, extensions: { code: 'NETWORK_ERROR' } }]);

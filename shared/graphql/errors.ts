// The error codes of the public contract (docs/architecture.md). Every error a client can cause is
// one of these; anything else is our fault and is reported without internals.
import { GraphQLError } from 'graphql';

export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  RATE_LIMITED: 'RATE_LIMITED',
  OPERATION_LIMIT: 'OPERATION_LIMIT',
  /** The Idempotency-Key was first used with another operation or other variables (gateway/idempotency). */
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  /** The first request with this Idempotency-Key is still running: retry after it answers. */
  IDEMPOTENCY_KEY_IN_USE: 'IDEMPOTENCY_KEY_IN_USE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export function badUserInput(argument: string, message: string): GraphQLError {
  return new GraphQLError(`${argument}: ${message}`, { extensions: { code: ErrorCode.BAD_USER_INPUT, argument } });
}

/** A request over a limit: `retryAfter` seconds until the window resets. */
export function rateLimited(message: string, retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.RATE_LIMITED, retryAfter: retryAfterSeconds } });
}

export function notFound(entity: string, id: string): GraphQLError {
  return new GraphQLError(`${entity} ${id} was not found`, { extensions: { code: ErrorCode.NOT_FOUND, entity, id } });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; a malformed one is the client's mistake, not a database error. */
export function parseId(argument: string, value: string): string {
  if (!UUID.test(value)) throw badUserInput(argument, `"${value}" is not a valid id`);
  return value.toLowerCase();
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

// One error policy for every server: the client's mistakes keep their contract code and
// message; our failures are logged in full and reported as a bare INTERNAL_SERVER_ERROR, in
// every mode (development adds the stack's frames, never the message: it may hold SQL or an
// address). Outside development no message suggests field or enum names ("Did you mean …").
import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ErrorCode } from '../graphql/errors';
import { AUDIT_UNAVAILABLE } from '../rbac/audit';
import { operationLimitError } from '../limits/operation';
import { REQUEST_ABANDONED } from '../limits/abort';
import { tokenLimitViolation } from '../limits/tokens';
import type { Logger } from '../logger';

const CLIENT_CODES = new Set<string>([
  ...Object.values(ErrorCode),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  // A subgraph the gateway could not reach: the response still carries the other fields.
  'SUBGRAPH_UNAVAILABLE',
  // The audit trail could not be written: the request was refused whole (shared/rbac/audit.ts).
  AUDIT_UNAVAILABLE,
  // The caller went away (shared/limits/abort.ts): every field not yet resolved says so, and none
  // of them is a failure of ours to log (a client hanging up on a large query logged hundreds).
  REQUEST_ABANDONED,
]);

/** Prisma's known request errors that a client's input causes. */
const PRISMA_CLIENT_ERRORS: Record<string, { code: ErrorCode; message: string }> = {
  P2025: { code: ErrorCode.NOT_FOUND, message: 'The record does not exist' },
  P2002: { code: ErrorCode.BAD_USER_INPUT, message: 'A record with these values already exists' },
  P2003: { code: ErrorCode.BAD_USER_INPUT, message: 'A referenced record does not exist' },
  // The embedded database's adapter reports some constraint violations with Postgres's own codes.
  '23505': { code: ErrorCode.BAD_USER_INPUT, message: 'A record with these values already exists' },
  '23503': { code: ErrorCode.BAD_USER_INPUT, message: 'A referenced record does not exist' },
  // Values PostgreSQL cannot store or read (a NUL byte, a malformed uuid or date, a number out of range).
  '22021': { code: ErrorCode.BAD_USER_INPUT, message: 'A value holds characters that cannot be stored' },
  '22P02': { code: ErrorCode.BAD_USER_INPUT, message: 'A value is not of the expected form' },
  '22007': { code: ErrorCode.BAD_USER_INPUT, message: 'A date or time is not valid' },
  '22008': { code: ErrorCode.BAD_USER_INPUT, message: 'A date or time is out of range' },
  '22003': { code: ErrorCode.BAD_USER_INPUT, message: 'A number is out of range' },
  '22001': { code: ErrorCode.BAD_USER_INPUT, message: 'A value is too long' },
};

/** Extensions that can carry an upstream address or a raw response (the gateway's fetch errors). */
const UNSAFE_EXTENSIONS = ['response', 'exception', 'stacktrace'];
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/** The stack's frames without its first line (which repeats the message). */
function framesOf(error: unknown): string[] | undefined {
  const stack = (error as { stack?: unknown })?.stack;
  return typeof stack === 'string' ? stack.split('\n').filter((line) => /^\s+at /.test(line)).map((line) => line.trim()) : undefined;
}

function scrubbed(formatted: GraphQLFormattedError, exposeDetails: boolean): GraphQLFormattedError {
  const extensions = formatted.extensions ? { ...formatted.extensions } : undefined;
  for (const key of UNSAFE_EXTENSIONS) if (extensions && key in extensions && !(key === 'stacktrace' && exposeDetails)) delete extensions[key];
  const message = exposeDetails ? formatted.message : formatted.message.replace(SUGGESTION, '');
  return { ...formatted, message, extensions };
}

export function formatErrorFor(log: Logger, exposeDetails: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const tokens = tokenLimitViolation(error);
    if (tokens) {
      const limitError = operationLimitError(tokens);
      return { message: limitError.message, extensions: limitError.extensions };
    }
    // A limit found during validation: Apollo Server labels it GRAPHQL_VALIDATION_FAILED.
    if (formatted.extensions?.limit !== undefined && formatted.extensions?.measured !== undefined) {
      return { message: formatted.message, extensions: { ...formatted.extensions, code: ErrorCode.OPERATION_LIMIT } };
    }
    const code = formatted.extensions?.code as string | undefined;
    if (code && CLIENT_CODES.has(code)) return scrubbed(formatted, exposeDetails);
    const original = unwrapResolverError(error) as { code?: string; name?: string } | undefined;
    const prismaCode = original?.name === 'PrismaClientKnownRequestError' || original?.name === 'DriverAdapterError' ? original.code : undefined;
    const known = prismaCode ? PRISMA_CLIENT_ERRORS[prismaCode] : undefined;
    if (known) return { message: known.message, path: formatted.path, extensions: { code: known.code } };
    const serviceName = formatted.extensions?.serviceName;
    // A subgraph's own failure (it logged the details) or ours: the same bare answer.
    if (!serviceName) log.error({ err: original ?? error, path: formatted.path }, 'unexpected error');
    const stacktrace = exposeDetails && !serviceName ? framesOf(original ?? error) : undefined;
    return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR', ...(serviceName ? { serviceName } : {}), ...(stacktrace ? { stacktrace } : {}) } };
  };
}

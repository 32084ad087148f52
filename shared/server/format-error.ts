// One error policy for every server: the client's mistakes keep their contract code and
// message; our failures are logged in full and reported as a bare INTERNAL_SERVER_ERROR.
import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ErrorCode } from '../graphql/errors';
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
]);

/** Prisma's known request errors that a client's input causes. */
const PRISMA_CLIENT_ERRORS: Record<string, { code: ErrorCode; message: string }> = {
  P2025: { code: ErrorCode.NOT_FOUND, message: 'The record does not exist' },
  P2002: { code: ErrorCode.BAD_USER_INPUT, message: 'A record with these values already exists' },
  P2003: { code: ErrorCode.BAD_USER_INPUT, message: 'A referenced record does not exist' },
  // The embedded database's adapter reports some constraint violations with Postgres's own codes.
  '23505': { code: ErrorCode.BAD_USER_INPUT, message: 'A record with these values already exists' },
  '23503': { code: ErrorCode.BAD_USER_INPUT, message: 'A referenced record does not exist' },
};

export function formatErrorFor(log: Logger, exposeDetails: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code as string | undefined;
    if (code && CLIENT_CODES.has(code)) return formatted;
    const original = unwrapResolverError(error) as { code?: string; name?: string } | undefined;
    const prismaCode = original?.name === 'PrismaClientKnownRequestError' || original?.name === 'DriverAdapterError' ? original.code : undefined;
    const known = prismaCode ? PRISMA_CLIENT_ERRORS[prismaCode] : undefined;
    if (known) return { message: known.message, path: formatted.path, extensions: { code: known.code } };
    if (code === 'DOWNSTREAM_SERVICE_ERROR' || formatted.extensions?.serviceName) return formatted;
    log.error({ err: original ?? error, path: formatted.path }, 'unexpected error');
    if (exposeDetails) return formatted;
    return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

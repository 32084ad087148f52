// Why an upload was refused: BAD_USER_INPUT on the `file` argument, with a machine-readable
// `reason` beside the message (the REST route answers 413 / 415 from it).
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../../shared/graphql/errors';

export type UploadRefusal =
  | 'FILE_TOO_LARGE'
  | 'UNSUPPORTED_TYPE'
  | 'INVALID_ENCODING'
  | 'EMPTY_FILE'
  | 'TOO_MANY_PAGES'
  | 'UNREADABLE_PDF'
  | 'NO_TEXT'
  | 'NO_RESULTS'
  | 'TOO_MANY_RESULTS'
  | 'BAD_DATE'
  | 'EXTRACTION_TIMEOUT'
  | 'TOO_MUCH_TEXT';

export function uploadRefused(reason: UploadRefusal, message: string, argument = 'file'): GraphQLError {
  return new GraphQLError(`${argument}: ${message}`, { extensions: { code: ErrorCode.BAD_USER_INPUT, argument, reason } });
}

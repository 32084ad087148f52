// The error policy's logging (shared/server/format-error.ts): our own failures are logged once
// each; a request its caller abandoned is not a failure, however many fields it stops, and leaves
// one warning (shared/limits/abort.ts).
import { GraphQLError } from 'graphql';
import type { Logger } from '../shared/logger';
import { formatErrorFor } from '../shared/server/format-error';
import { abandonedRequestLog } from '../shared/limits/abort';

function recordingLog() {
  const errors: unknown[] = [];
  return { log: { error: (...args: unknown[]) => errors.push(args) } as unknown as Logger, errors };
}

describe('the error policy', () => {
  it('logs no error for the fields of an abandoned request, and keeps their code', () => {
    const { log, errors } = recordingLog();
    const format = formatErrorFor(log, false);
    for (let i = 0; i < 50; i++) {
      const error = new GraphQLError('The request was abandoned', { path: ['patients', i], extensions: { code: 'REQUEST_ABANDONED' } });
      expect(format({ message: error.message, path: error.path, extensions: error.extensions }, error)).toMatchObject({ extensions: { code: 'REQUEST_ABANDONED' } });
    }
    expect(errors).toHaveLength(0);
  });

  it('logs an unexpected failure and answers with a bare INTERNAL_SERVER_ERROR', () => {
    const { log, errors } = recordingLog();
    const failure = new Error('connect ECONNREFUSED 10.0.0.7:5432');
    const formatted = formatErrorFor(log, false)({ message: failure.message, path: ['patients'] }, failure);
    expect(formatted).toEqual({ message: 'Internal server error', path: ['patients'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(errors).toHaveLength(1);
  });

  it('leaves one warning per abandoned request, with the number of fields it stopped', async () => {
    const warnings: unknown[][] = [];
    const log = { warn: (...args: unknown[]) => warnings.push(args) } as unknown as Logger;
    const abandoned = (i: number) => new GraphQLError('The request was abandoned', { path: ['patients', i], extensions: { code: 'REQUEST_ABANDONED' } });
    const hooks = async (errors: GraphQLError[]) => {
      const listener = await abandonedRequestLog<{ log: Logger }>().requestDidStart!({} as never);
      await listener!.didEncounterErrors!({ errors, contextValue: { log } } as never);
    };
    await hooks([abandoned(0), abandoned(1), abandoned(2), new GraphQLError('Not found', { extensions: { code: 'NOT_FOUND' } })]);
    await hooks([new GraphQLError('Not found', { extensions: { code: 'NOT_FOUND' } })]);
    expect(warnings).toEqual([[{ fieldsStopped: 3 }, expect.any(String)]]);
  });
});

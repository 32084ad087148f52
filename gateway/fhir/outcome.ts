// FHIR errors: every failure the API answers is an OperationOutcome with the HTTP status that
// fits (400 bad search, 401 no or bad token, 403 not allowed, 404 unknown id, 429 over the
// rate limit), never an HTML page or a stack trace. Graph errors map by extensions.code.
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';

type IssueCode = OperationOutcomeIssue['code'];

export class FhirError extends Error {
  constructor(
    readonly status: number,
    readonly code: IssueCode,
    message: string,
    /** Seconds, sent as Retry-After (429). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new FhirError(400, 'invalid', message);
export const notSupported = (message: string) => new FhirError(400, 'not-supported', message);
export const notFound = (message: string) => new FhirError(404, 'not-found', message);
export const forbidden = (message: string) => new FhirError(403, 'forbidden', message);
export const unauthenticated = (message: string) => new FhirError(401, 'login', message);

export function operationOutcome(severity: 'error' | 'information', code: IssueCode, diagnostics: string): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity, code, diagnostics }] };
}

/** What a graph error code means for a FHIR client. */
const BY_GRAPH_CODE: Record<string, { status: number; code: IssueCode }> = {
  UNAUTHENTICATED: { status: 401, code: 'login' },
  FORBIDDEN: { status: 403, code: 'forbidden' },
  NOT_FOUND: { status: 404, code: 'not-found' },
  BAD_USER_INPUT: { status: 400, code: 'invalid' },
  GRAPHQL_VALIDATION_FAILED: { status: 400, code: 'invalid' },
  RATE_LIMITED: { status: 429, code: 'throttled' },
  OPERATION_LIMIT: { status: 400, code: 'too-costly' },
};

export function fromGraphError(code: string | undefined, message: string, retryAfter?: number): FhirError {
  const known = code ? BY_GRAPH_CODE[code] : undefined;
  if (known) return new FhirError(known.status, known.code, message, retryAfter);
  // Anything else is ours (a subgraph down, a bug): no internals reach the client.
  return new FhirError(502, 'transient', 'A service behind the FHIR API failed; retry later');
}

// What the gateway takes back from a subgraph: at most RESPONSE_MAX_BYTES of body (read as a
// stream and abandoned past the limit, so one huge answer cannot fill the gateway's memory),
// and, for a non-2xx answer, the subgraph's own GraphQL errors (a BAD_USER_INPUT for a bad
// variable) or one clean error naming the service, never the response's URL or body.
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../shared/graphql/errors';
import { operationLimitError } from '../../shared/limits/operation';
import type { UpstreamAnswer } from '../http/upstream';

const isRead = (response: Response | UpstreamAnswer): response is UpstreamAnswer => typeof (response as UpstreamAnswer).bytes === 'number';

/** The body as text, refused once it grows past maxBytes. */
export async function readBoundedText(response: Response | UpstreamAnswer, maxBytes: number): Promise<string> {
  // Already read by the gateway's upstream client (gateway/http/upstream.ts), which stopped at its own limit.
  if (isRead(response)) {
    if (response.text === undefined || response.bytes > maxBytes) throw operationLimitError({ limit: 'responseBytes', allowed: maxBytes, measured: response.bytes });
    return response.text;
  }
  const announced = Number(response.headers.get('content-length'));
  if (Number.isFinite(announced) && announced > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw operationLimitError({ limit: 'responseBytes', allowed: maxBytes, measured: announced });
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw operationLimitError({ limit: 'responseBytes', allowed: maxBytes, measured: size });
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Codes a subgraph's refusal keeps on its way to the client. */
const PASSED_ON = new Set<string>([ErrorCode.BAD_USER_INPUT, ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN, ErrorCode.OPERATION_LIMIT, ErrorCode.RATE_LIMITED, 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']);

interface UpstreamError {
  message?: unknown;
  extensions?: Record<string, unknown>;
}

export async function errorFromSubgraphResponse(serviceName: string, response: Response | UpstreamAnswer, maxBytes: number): Promise<GraphQLError> {
  let errors: UpstreamError[] = [];
  try {
    errors = (JSON.parse(await readBoundedText(response, maxBytes)) as { errors?: UpstreamError[] }).errors ?? [];
  } catch {
    // not JSON, or too large: the status alone speaks
  }
  return errorFromSubgraphErrors(serviceName, response.status, errors);
}

/** A refusal's errors as the client sees them (the same for an answer over HTTP and one in-process). */
export function errorFromSubgraphErrors(serviceName: string, status: number, errors: readonly UpstreamError[]): GraphQLError {
  const first = errors.find((error) => PASSED_ON.has(String(error.extensions?.code)));
  if (first) {
    const { code, argument, limit, allowed, measured, reason, retryAfter } = first.extensions!;
    const kept = Object.fromEntries(Object.entries({ argument, limit, allowed, measured, reason, retryAfter }).filter(([, value]) => value !== undefined));
    return new GraphQLError(String(first.message), { extensions: { code, ...kept, serviceName } });
  }
  return new GraphQLError(`The ${serviceName} service could not answer (HTTP ${status})`, { extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName } });
}

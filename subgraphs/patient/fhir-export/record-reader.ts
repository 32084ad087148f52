// Reads a patient's record for an export the way a client would: `Patient/{id}/$everything` on
// the gateway's FHIR API (over GATEWAY_URL), a page at a time, as the requester, with a
// delegated read-only token minted for each few minutes of the run (shared/auth/delegation.ts).
// So an export holds exactly what `$everything` shows that requester, through the same mappers,
// RBAC, limits and audit trail (its audit rows carry the correlation id `fhir-export.<id>`).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bundle, OperationOutcome, Resource } from '@medplum/fhirtypes';
import type { Role } from '../../../shared/auth/caller';
import type { DelegationSigner } from '../../../shared/auth/delegation';
import { MAX_FHIR_PAGE_SIZE } from '../../../shared/config';
import { REQUEST_ID_HEADER } from '../../../shared/trust/envelope';

/** A page of the record could not be read. `permanent`: reading again will not help (the requester may no longer see it). */
export class RecordReadError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

export interface RecordReaderOptions {
  /** The gateway's FHIR base as this process reaches it (from GATEWAY_URL). */
  fhirBase: string;
  sign: DelegationSigner;
  /** Lifetime of each delegated token (FHIR_EXPORT_TOKEN_TTL_SECONDS). */
  tokenTtlSeconds: number;
  /** One page's deadline (FHIR_EXPORT_PAGE_TIMEOUT_MS). */
  pageTimeoutMs: number;
}

export interface RecordRequest {
  exportId: string;
  patientId: string;
  requester: { subject: string; role: Role };
  types: string[];
  since: Date | null;
}

/** The FHIR base beside a GraphQL endpoint: http://host:4000/graphql → http://host:4000/fhir/R4. */
export const fhirBaseOf = (graphqlUrl: string) => graphqlUrl.replace(/\/graphql\/?$/, '') + '/fhir/R4';

/** Statuses worth another try later: the gateway or a service behind it was busy or down. */
const TRANSIENT = new Set([408, 425, 429]);
/**
 * A page whose request never reached the gateway is asked again after these waits before the run
 * fails (a gateway restarting, or not listening yet when this process's workers start).
 */
const UNREACHABLE_RETRY_DELAYS_MS = [250, 1_000, 2_000];

/** The token of the moment: a new one once a third of the last one's life is left. */
function tokenSource(options: RecordReaderOptions, request: RecordRequest): () => Promise<string> {
  let current: { token: string; renewAt: number } | undefined;
  return async () => {
    if (!current || Date.now() >= current.renewAt) {
      const token = await options.sign({ subject: request.requester.subject, role: request.requester.role, actor: `fhir-export:${request.exportId}`, ttlSeconds: options.tokenTtlSeconds });
      current = { token, renewAt: Date.now() + (options.tokenTtlSeconds * 1000 * 2) / 3 };
    }
    return current.token;
  };
}

async function failure(response: Response): Promise<RecordReadError> {
  let diagnostics = '';
  try {
    diagnostics = ((await response.json()) as OperationOutcome).issue?.[0]?.diagnostics ?? '';
  } catch {
    // not an OperationOutcome: the status says enough
  }
  const permanent = response.status < 500 && !TRANSIENT.has(response.status);
  return new RecordReadError(`The FHIR API answered ${response.status}${diagnostics ? `: ${diagnostics}` : ''}`, permanent);
}

/** One page's response; a request that did not reach the gateway is sent again a few times (not one that timed out). */
async function fetchPage(url: string, headers: () => Promise<Record<string, string>>, timeoutMs: number, signal: AbortSignal): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetch(url, { headers: await headers(), signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const timedOut = (error as Error).name === 'TimeoutError';
      if (timedOut || attempt >= UNREACHABLE_RETRY_DELAYS_MS.length) {
        // No address or stack reaches the requester: the log has the cause.
        throw Object.assign(new RecordReadError(timedOut ? 'The FHIR API did not answer in time' : 'The FHIR API could not be reached', false), { cause: error });
      }
      await sleep(UNREACHABLE_RETRY_DELAYS_MS[attempt], undefined, { signal });
    }
  }
}

/** The record's resources, a page (at most 100) at a time, in `$everything`'s order. */
export async function* readRecord(options: RecordReaderOptions, request: RecordRequest, signal: AbortSignal): AsyncGenerator<Resource[]> {
  const token = tokenSource(options, request);
  const everything = `${options.fhirBase}/Patient/${request.patientId}/$everything`;
  let query = new URLSearchParams({ _count: String(MAX_FHIR_PAGE_SIZE) });
  if (request.types.length) query.set('_type', request.types.join(','));
  if (request.since) query.set('_since', request.since.toISOString());
  const headers = async () => ({ authorization: `Bearer ${await token()}`, accept: 'application/fhir+json', [REQUEST_ID_HEADER]: `fhir-export.${request.exportId}` });
  for (;;) {
    const response = await fetchPage(`${everything}?${query}`, headers, options.pageTimeoutMs, signal);
    if (!response.ok) throw await failure(response);
    const bundle = (await response.json()) as Bundle;
    yield (bundle.entry ?? []).map((entry) => entry.resource!);
    const next = bundle.link?.find((link) => link.relation === 'next')?.url;
    if (!next) return;
    // The next page's parameters, asked of this process's own address (FHIR_BASE_URL may name a public one).
    query = new URL(next).searchParams;
  }
}

// The contract for raising a care alert. The patient subgraph owns care_alerts; the domains
// that notice something a clinician must see (Luna: an emergency message, a protocol finding;
// labs: a critical value; wearables: a sustained anomaly) hand it over as a job on the
// process's job queue, sent inside the transaction of the write that caused it: the alert
// request exists exactly when its cause does, survives any restart, and the patient subgraph's
// worker turns it into one alert per key, however often it is sent.
import type PgBoss from 'pg-boss';
import { CARE_ALERT_SEVERITIES } from '../config';
import type { JobQueue, ProcessJobQueue } from '../queue/jobs';
import { transactionDb, type RawTransaction } from '../queue/sql';
import { withTraceContext } from '../../shared/observability/job-tracing';

export const CARE_ALERT_KINDS = ['EMERGENCY_MESSAGE', 'CRITICAL_LAB_VALUE', 'PROTOCOL_FINDING', 'WEARABLE_ANOMALY'] as const;
export type CareAlertKind = (typeof CARE_ALERT_KINDS)[number];
export { CARE_ALERT_SEVERITIES };
export type CareAlertSeverity = (typeof CARE_ALERT_SEVERITIES)[number];

/** The queue the patient subgraph works. */
export const CARE_ALERT_RAISE_QUEUE = 'care-alerts-raise';
/**
 * "short": one request per key waits at a time (a key sent again while waiting is not queued
 * twice); a request the patient subgraph could not store yet (its database busy) is retried.
 */
const RAISE_QUEUE_OPTIONS = { policy: 'short', retryLimit: 10, retryDelay: 5, retryBackoff: true } as const;

/**
 * Every process that raises or stores alerts creates the queue at start (a job sent to a queue
 * that does not exist yet would be dropped): the raisers' processes may start before the patient's.
 */
export async function ensureCareAlertQueue(queue: JobQueue): Promise<void> {
  await queue.ensureQueue(CARE_ALERT_RAISE_QUEUE, RAISE_QUEUE_OPTIONS);
}

export interface CareAlertRequest {
  /** Idempotency: the same key is the same alert (e.g. "labs:critical:<labResultId>"). */
  key: string;
  patientId: string;
  kind: CareAlertKind;
  severity: CareAlertSeverity;
  /** What a clinician reads first, e.g. "Critical potassium 6.8 mmol/L". */
  title: string;
  /** Structured facts for the clinician (values, limits, the message that matched). */
  detail?: Record<string, unknown>;
  /** Who raised it about what: the service, the record type and its id. */
  source: { service: string; type: string; id: string };
  /** When the cause happened (ISO 8601); default: when the request was made. */
  occurredAt?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * For a raising subgraph's startServices: starts the process's job queue (SubgraphDeps.queue) and
 * creates the care-alert queue; returns the queue, for the subgraph's services to raise through.
 */
export async function startCareAlertRaising(processQueue: ProcessJobQueue): Promise<JobQueue> {
  const queue = await processQueue.start();
  await ensureCareAlertQueue(queue);
  return queue;
}

/** A request's mistakes are the raiser's bugs: refused before anything is sent. */
export function validateCareAlertRequest(request: CareAlertRequest): CareAlertRequest {
  const problems: string[] = [];
  if (!request.key || request.key.length > 300) problems.push('key must be 1 to 300 characters');
  if (!UUID.test(request.patientId)) problems.push('patientId must be a patient id');
  if (!CARE_ALERT_KINDS.includes(request.kind)) problems.push(`kind must be one of ${CARE_ALERT_KINDS.join(', ')}`);
  if (!CARE_ALERT_SEVERITIES.includes(request.severity)) problems.push(`severity must be one of ${CARE_ALERT_SEVERITIES.join(', ')}`);
  if (!request.title?.trim() || request.title.length > 300) problems.push('title must be 1 to 300 characters');
  if (!request.source?.service || !request.source.type || !request.source.id) problems.push('source must name a service, a record type and an id');
  if (request.occurredAt !== undefined && Number.isNaN(Date.parse(request.occurredAt))) problems.push('occurredAt must be an ISO 8601 instant');
  if (problems.length) throw new Error(`invalid care alert request: ${problems.join('; ')}`);
  return { ...request, patientId: request.patientId.toLowerCase(), title: request.title.trim(), occurredAt: request.occurredAt ?? new Date().toISOString() };
}

/**
 * Raises a care alert on `queue` (the subgraph's services carry it) inside the caller's open
 * transaction (`prisma.$transaction(async (tx) => …)`): nothing is raised if the transaction
 * rolls back. Call `careAlertsRaised(queue)` after it commits so the worker in this process
 * picks the request up at once.
 */
export async function raiseCareAlert(queue: JobQueue, tx: RawTransaction, request: CareAlertRequest): Promise<void> {
  const data = validateCareAlertRequest(request);
  // A key already waiting is not queued twice; one the worker has taken may be sent again: it is stored once.
  await queue.boss.send(CARE_ALERT_RAISE_QUEUE, withTraceContext(data as unknown as object), { singletonKey: data.key, db: transactionDb(tx) } as PgBoss.SendOptions);
}

/** After the raising transaction commits: wakes this process's care-alert worker, if it has one (others poll). */
export function careAlertsRaised(queue: JobQueue): void {
  queue.wake(CARE_ALERT_RAISE_QUEUE);
}

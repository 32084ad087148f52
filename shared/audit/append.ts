// The audit append: the one way any code writes patient_graph.rbac_logs. Whatever the number of
// decisions, it is ONE statement (`INSERT … SELECT … FROM unnest(…)`): the request's own columns
// go as scalars, the decisions as five parallel arrays. A read made once for many requests (a
// subscription event fanned out to its subscribers, gateway/subscriptions/fanout.ts) writes each
// decision for each of those requests, still in one statement (auditAppendFor). It returns Prisma's lazy promise, so it
// can run alone, inside an interactive transaction (`tx`), or as the last statement of a batch
// `$transaction([...])` (shared/audit/transactional.ts).
import type { Prisma } from '../db/database';

/** Who asked, through which service and request: the same on every row of one append. */
export interface AuditRequest {
  actorId: string | null;
  actorRole: string;
  operationName: string | null;
  requestId: string | null;
  correlationId: string | null;
  clientIp: string | null;
  service: string;
}

/** One decision: distinct by (resource, action, patientId, decision) within a request. */
export interface AuditDecision {
  resource: string;
  action: string;
  patientId: string | null;
  decision: 'ALLOW' | 'DENY';
  reason: string;
}

/** A client or an interactive transaction's client: anything that sends raw SQL through Prisma. */
export type AuditWriter = Pick<Prisma, '$executeRaw'>;

/**
 * The statement appending `decisions` (do not call with none: it would still send a statement).
 * A decision this service already wrote for the same gateway request (the plan fetched from it
 * twice, e.g. labs for `labResults` and again for `healthScore`) is not written again.
 */
export function auditAppend(db: AuditWriter, request: AuditRequest, decisions: readonly AuditDecision[]) {
  const column = <K extends keyof AuditDecision>(key: K) => decisions.map((row) => row[key]);
  return db.$executeRaw`
    INSERT INTO patient_graph.rbac_logs
      (actor_id, actor_role, operation_name, request_id, correlation_id, client_ip, service, resource, action, patient_id, decision, reason)
    SELECT ${request.actorId}::text, ${request.actorRole}::text, ${request.operationName}::text, ${request.requestId}::text, ${request.correlationId}::text,
           ${request.clientIp}::text, ${request.service}::text, d.resource, d.action, d.patient_id::uuid, d.decision::patient_graph."AccessDecision", d.reason
      FROM unnest(${column('resource')}::text[], ${column('action')}::text[], ${column('patientId')}::text[], ${column('decision')}::text[], ${column('reason')}::text[])
        AS d(resource, action, patient_id, decision, reason)
     WHERE NOT EXISTS (
       SELECT 1 FROM patient_graph.rbac_logs AS r
        WHERE r.request_id = ${request.requestId}::text AND r.service = ${request.service}::text AND r.actor_id IS NOT DISTINCT FROM ${request.actorId}::text
          AND r.resource = d.resource AND r.action = d.action AND r.patient_id IS NOT DISTINCT FROM d.patient_id::uuid
          AND r.decision = d.decision::patient_graph."AccessDecision")`;
}

/**
 * The statement appending every decision for every one of `requests` (the same read served to
 * each): one row per (request, decision), in ONE statement, a row already written for the same
 * request not written again. One request: auditAppend.
 */
export function auditAppendFor(db: AuditWriter, requests: readonly AuditRequest[], decisions: readonly AuditDecision[]) {
  if (requests.length === 1) return auditAppend(db, requests[0], decisions);
  const column = <K extends keyof AuditDecision>(key: K) => decisions.map((row) => row[key]);
  const asked = <K extends keyof AuditRequest>(key: K) => requests.map((row) => row[key]);
  return db.$executeRaw`
    INSERT INTO patient_graph.rbac_logs
      (actor_id, actor_role, operation_name, request_id, correlation_id, client_ip, service, resource, action, patient_id, decision, reason)
    SELECT q.actor_id, q.actor_role, q.operation_name, q.request_id, q.correlation_id, q.client_ip, q.service,
           d.resource, d.action, d.patient_id::uuid, d.decision::patient_graph."AccessDecision", d.reason
      FROM unnest(${asked('actorId')}::text[], ${asked('actorRole')}::text[], ${asked('operationName')}::text[], ${asked('requestId')}::text[],
                  ${asked('correlationId')}::text[], ${asked('clientIp')}::text[], ${asked('service')}::text[])
             AS q(actor_id, actor_role, operation_name, request_id, correlation_id, client_ip, service)
     CROSS JOIN unnest(${column('resource')}::text[], ${column('action')}::text[], ${column('patientId')}::text[], ${column('decision')}::text[], ${column('reason')}::text[])
             AS d(resource, action, patient_id, decision, reason)
     WHERE NOT EXISTS (
       SELECT 1 FROM patient_graph.rbac_logs AS r
        WHERE r.request_id = q.request_id AND r.service = q.service AND r.actor_id IS NOT DISTINCT FROM q.actor_id
          AND r.resource = d.resource AND r.action = d.action AND r.patient_id IS NOT DISTINCT FROM d.patient_id::uuid
          AND r.decision = d.decision::patient_graph."AccessDecision")`;
}

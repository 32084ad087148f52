// The audit append: the one way any code writes patient_graph.rbac_logs. Whatever the number of
// decisions, it is ONE statement, a call of `patient_graph.rbac_logs_append` (an `INSERT … SELECT
// … FROM unnest(…)`): the requests' columns and the decisions go as parallel arrays. A read made
// once for many requests (a subscription event fanned out to its subscribers,
// gateway/subscriptions/fanout.ts) writes each decision for each of those requests, still in one
// statement (auditAppendFor). It returns Prisma's lazy promise, so it can run alone, inside an
// interactive transaction (`tx`), or as the last statement of a batch `$transaction([...])`
// (shared/audit/transactional.ts).
import { Prisma as Sql } from '../../generated/prisma/client';
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

/** A decision's columns in the database's duplicate check (rbac_logs_append), as one key. */
export const decisionKey = (decision: AuditDecision) => `${decision.resource}|${decision.action}|${decision.patientId}|${decision.decision}`;

/** A client or an interactive transaction's client: anything that sends raw SQL through Prisma. */
export type AuditWriter = Pick<Prisma, '$executeRaw'>;

/** What a wrapper of a client (a request's audited client: ./transactional.ts) answers with the identity of the client it wraps. */
export const CLIENT_IDENTITY = Symbol('the identity of the client a wrapper sends through');

const identities = new WeakMap<object, object>();

/**
 * An opaque token for the client `writer` sends through: the same for the client and every wrapper
 * of it, another for an interactive transaction's client (an object of its own). Never the client
 * itself, which would let its holder write past the audit.
 */
export function clientIdentity(writer: object): object {
  const wrapped = (writer as { [CLIENT_IDENTITY]?: object })[CLIENT_IDENTITY];
  if (wrapped) return wrapped;
  let identity = identities.get(writer);
  if (!identity) identities.set(writer, (identity = Object.freeze({})));
  return identity;
}

/**
 * The statement appending `decisions` (do not call with none: it would still send a statement).
 * A decision this service already wrote for the same gateway request (the plan fetched from it
 * twice, e.g. labs for `labResults` and again for `healthScore`) is not written again.
 */
export function auditAppend(db: AuditWriter, request: AuditRequest, decisions: readonly AuditDecision[]) {
  return auditAppendFor(db, [request], decisions);
}

/**
 * The statement appending every decision for every one of `requests` (the same read served to
 * each): one row per (request, decision), in ONE statement, a row already written for the same
 * request and service not written again. `patient_graph.rbac_logs_append` (its migrations,
 * 20261203180000_audit_append_serialized and 20261204120000_audit_append_by_request) does the
 * insert: it makes appends of one request to one service wait for each other, so concurrent
 * fetches of a request cannot both write a decision, and it reads only these requests' rows.
 */
export function auditAppendFor(db: AuditWriter, requests: readonly AuditRequest[], decisions: readonly AuditDecision[]) {
  return db.$executeRaw(Sql.sql`SELECT ${appendCall({ requests, decisions })}`);
}

/** One append's requests and decisions (every decision for every request). */
export interface AuditAppend {
  requests: readonly AuditRequest[];
  decisions: readonly AuditDecision[];
}

/**
 * Several appends in ONE statement (`SELECT rbac_logs_append(…), rbac_logs_append(…)`): the rows
 * of a gateway request's fetches to several subgraphs of this process, each append keeping its
 * own per-request-and-service duplicate check, all committed together or none.
 */
export function auditAppendAll(db: AuditWriter, appends: readonly AuditAppend[]) {
  return db.$executeRaw(Sql.sql`SELECT ${Sql.join(appends.map(appendCall))}`);
}

function appendCall({ requests, decisions }: AuditAppend): Sql.Sql {
  const column = <K extends keyof AuditDecision>(key: K) => decisions.map((row) => row[key]);
  const asked = <K extends keyof AuditRequest>(key: K) => requests.map((row) => row[key]);
  return Sql.sql`patient_graph.rbac_logs_append(
      ${asked('actorId')}::text[], ${asked('actorRole')}::text[], ${asked('operationName')}::text[], ${asked('requestId')}::text[],
      ${asked('correlationId')}::text[], ${asked('clientIp')}::text[], ${asked('service')}::text[],
      ${column('resource')}::text[], ${column('action')}::text[], ${column('patientId')}::text[], ${column('decision')}::text[], ${column('reason')}::text[])`;
}

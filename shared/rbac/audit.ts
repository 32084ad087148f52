// The audit trail of one request. Every PHI decision (allowed or denied) is recorded once per
// (resource, action, patient, decision), however many objects or fetches reach it; the rows go to
// the audit table in one statement (shared/audit/append.ts): inside the transaction of a
// write the request makes (shared/audit/transactional.ts), and for everything else before the
// response leaves (auditPlugin), so no PHI is served without its audit row.
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Caller } from '../auth/caller';
import { auditAppendFor, clientIdentity, decisionKey, type AuditDecision, type AuditRequest, type AuditWriter } from '../audit/append';
import type { AudienceMember } from '../trust/audience';
import type { Logger } from '../logger';
import { counter, perService } from '../observability/service-metrics';
import type { AuditBatch } from './audit-batch';
import type { Action, Resource } from './matrix';

export interface AuditEntry {
  resource: Resource;
  action: Action;
  patientId: string | null;
  allowed: boolean;
  reason: string;
}

/** What an audit row says about the request (a subgraph context has all of it). */
export interface AuditMeta {
  caller: Caller;
  service: string;
  operationName: string | null;
  requestId: string;
  correlationId: string | null;
  clientIp: string | null;
  /**
   * A read the gateway makes once for several requests of this same caller (a subscription event
   * fanned out to its subscribers, gathered reads): each of them gets its own rows (shared/trust/audience.ts).
   */
  audience?: readonly AudienceMember[] | null;
}

export function auditRequestOf(meta: AuditMeta): AuditRequest {
  return {
    actorId: meta.caller.userId,
    actorRole: meta.caller.role,
    operationName: meta.operationName,
    requestId: meta.requestId,
    correlationId: meta.correlationId,
    clientIp: meta.clientIp,
    service: meta.service,
  };
}

/** Fan-out rows each database client's memory keeps as written (a key of ~150 characters each: some 30 MB when full). */
export const FANOUT_ROWS_REMEMBERED = 100_000;

/**
 * Rows a fan-out append wrote, remembered per database client (by its clientIdentity). A subscription
 * event's fetch names the same subscribers' requests on every event, and their decisions seldom
 * change: each event's append would send every row again, for the database's duplicate check to
 * drop them all. A request whose rows are all remembered is left out, and an append with none
 * left sends nothing: its rows are in the trail already. Only rows of a statement that returned
 * are remembered, with the client that sent it: a pool's client returned because it committed;
 * an interactive transaction's client has a memory of its own, which dies with it, so rows it
 * sent are never taken as committed elsewhere; another database (a replica, a test's own) starts
 * with nothing. The oldest are forgotten first, and the database's check covers them again. A row
 * without a request id is never deduplicated, so never remembered.
 */
class FanoutRowsWritten {
  private readonly keys = new Set<string>();
  constructor(private readonly capacity: number) {}

  private static key(request: AuditRequest, decision: AuditDecision): string | null {
    if (request.requestId === null) return null;
    // The columns of the database's duplicate check (rbac_logs_append).
    return `${request.requestId}|${request.service}|${request.actorId}|${decisionKey(decision)}`;
  }

  /** The requests with at least one decision not remembered as written. */
  unwritten(requests: AuditRequest[], decisions: readonly AuditDecision[]): AuditRequest[] {
    return requests.filter((request) =>
      decisions.some((decision) => {
        const key = FanoutRowsWritten.key(request, decision);
        return key === null || !this.keys.has(key);
      }),
    );
  }

  remember(requests: readonly AuditRequest[], decisions: readonly AuditDecision[]): void {
    for (const request of requests) {
      for (const decision of decisions) {
        const key = FanoutRowsWritten.key(request, decision);
        if (key === null) continue;
        this.keys.delete(key);
        this.keys.add(key);
      }
    }
    for (const oldest of this.keys) {
      if (this.keys.size <= this.capacity) break;
      this.keys.delete(oldest);
    }
  }
}
const fanoutMemories = new WeakMap<object, FanoutRowsWritten>();

/** The fan-out memory of the client `db` sends through. */
function fanoutRowsWrittenBy(db: AuditWriter): FanoutRowsWritten {
  const client = clientIdentity(db);
  let memory = fanoutMemories.get(client);
  if (!memory) fanoutMemories.set(client, (memory = new FanoutRowsWritten(FANOUT_ROWS_REMEMBERED)));
  return memory;
}

export class AuditTrail {
  private entries = new Map<string, AuditEntry>();
  /** Keys already written by this request: a decision met again later is not written twice. */
  private readonly written = new Set<string>();

  record(entry: AuditEntry): void {
    const key = `${entry.resource}|${entry.action}|${entry.patientId}|${entry.allowed}`;
    if (!this.entries.has(key) && !this.written.has(key)) this.entries.set(key, entry);
  }

  /** Decisions not yet written. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Takes the pending decisions as rows for `meta`'s request; the taker writes them, and gives
   * them back with restore() if the write (or its transaction) fails.
   */
  take(meta: AuditMeta): TakenAudit | null {
    if (this.entries.size === 0) return null;
    const entries = this.entries;
    this.entries = new Map();
    for (const key of entries.keys()) this.written.add(key);
    const actor = meta.caller.actor;
    const decisions = [...entries.values()].map((entry) => ({
      resource: entry.resource,
      action: entry.action,
      patientId: entry.patientId,
      decision: entry.allowed ? ('ALLOW' as const) : ('DENY' as const),
      // Reads made by background work for a person (a delegated token) say which work made them.
      reason: actor ? `${entry.reason}; by ${actor}` : entry.reason,
    }));
    const request = auditRequestOf(meta);
    const requests = meta.audience?.length
      ? meta.audience.map((member) => ({ ...request, requestId: member.requestId, correlationId: member.correlationId, clientIp: member.clientIp, operationName: member.operationName }))
      : [request];
    return { requests, decisions, entries };
  }

  /** Puts back decisions whose write failed or was rolled back: they are written again later. */
  restore(taken: TakenAudit | null): void {
    if (!taken) return;
    for (const [key, entry] of taken.entries) {
      this.written.delete(key);
      if (!this.entries.has(key)) this.entries.set(key, entry);
    }
  }

  /**
   * Writes the pending decisions now, in one statement (nothing is sent when there are none, or
   * when an audience's rows are all written already through the same client); or hands them, for
   * the request or each of its audience, to `batch`, the gateway request's (./audit-batch.ts),
   * which writes them before its response.
   */
  async flush(db: AuditWriter, meta: AuditMeta, batch?: AuditBatch | null): Promise<void> {
    const taken = this.take(meta);
    if (!taken) return;
    if (batch?.adopt(db, taken.requests, taken.decisions)) return;
    // Remembered for an audience named again (a subscription's, on every event), not for requests named once (gathered reads).
    const memory = meta.audience?.some((member) => !member.once) ? fanoutRowsWrittenBy(db) : null;
    const requests = memory ? memory.unwritten(taken.requests, taken.decisions) : taken.requests;
    if (requests.length === 0) return;
    try {
      await auditAppendFor(db, requests, taken.decisions);
    } catch (error) {
      this.restore(taken);
      throw error;
    }
    memory?.remember(requests, taken.decisions);
  }
}

/** Decisions taken from a trail for one append. */
export interface TakenAudit {
  /** The rows' requests: the request's own, or each request of the audience. */
  requests: AuditRequest[];
  decisions: AuditDecision[];
  readonly entries: ReadonlyMap<string, AuditEntry>;
}

/** The code of the one error a request gets when its audit rows could not be written (no data with it). */
export const AUDIT_UNAVAILABLE = 'AUDIT_UNAVAILABLE';

/** The one error of a response withheld because its audit rows could not be written. */
export const auditUnavailable = () => new GraphQLError('The request could not be audited and was not served; try again later', { extensions: { code: AUDIT_UNAVAILABLE } });

/** Audit inserts that failed (each withheld a response): any is worth a page (deploy/observability/alerts.yml). */
export const auditWriteFailures = perService((registry) => counter(registry, 'audit_write_failures_total', 'Audit-trail inserts that failed; each one withheld its response'));

interface AuditedContext extends AuditMeta {
  audit: AuditTrail;
  prisma: AuditWriter;
  log: Logger;
  /** The gateway request's batch, for a fetch from a gateway in this process (shared/server/in-process.ts). */
  auditBatch?: AuditBatch | null;
}

/** Writes the request's remaining audit rows before the response is sent; if that fails, the response carries no data. */
export function auditPlugin<C extends AuditedContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          try {
            await contextValue.audit.flush(contextValue.prisma, contextValue, contextValue.auditBatch);
          } catch (error) {
            auditWriteFailures(contextValue.service).inc();
            contextValue.log.error({ err: error }, 'audit write failed: withholding the response');
            if (response.body.kind === 'single') {
              response.body.singleResult = {
                data: null,
                errors: [auditUnavailable().toJSON()],
              };
            }
          }
        },
      };
    },
  };
}

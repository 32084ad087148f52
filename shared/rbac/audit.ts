// The audit trail of one request. Every PHI decision (allowed or denied) is recorded once per
// (resource, action, patient, decision); the rows go to patient_graph.rbac_logs in one insert
// before the response leaves (see auditPlugin), so no PHI is served without its audit row.
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Caller } from '../auth/caller';
import type { Prisma } from '../db/database';
import type { Logger } from '../logger';
import { counter, perService } from '../observability/service-metrics';
import type { Action, Resource } from './matrix';

export interface AuditEntry {
  resource: Resource;
  action: Action;
  patientId: string | null;
  allowed: boolean;
  reason: string;
}

export class AuditTrail {
  private readonly entries = new Map<string, AuditEntry>();

  record(entry: AuditEntry): void {
    const key = `${entry.resource}|${entry.action}|${entry.patientId}|${entry.allowed}`;
    if (!this.entries.has(key)) this.entries.set(key, entry);
  }

  get size(): number {
    return this.entries.size;
  }

  async flush(prisma: Prisma, meta: { caller: Caller; service: string; operationName: string | null; requestId: string; correlationId: string | null; clientIp: string | null }) {
    if (this.entries.size === 0) return;
    const rows = [...this.entries.values()].map((entry) => ({
      actorId: meta.caller.userId,
      actorRole: meta.caller.role,
      resource: entry.resource,
      action: entry.action,
      patientId: entry.patientId,
      decision: entry.allowed ? ('ALLOW' as const) : ('DENY' as const),
      // Reads made by background work for a person (a delegated token) say which work made them.
      reason: meta.caller.actor ? `${entry.reason}; by ${meta.caller.actor}` : entry.reason,
      operationName: meta.operationName,
      requestId: meta.requestId,
      correlationId: meta.correlationId,
      clientIp: meta.clientIp,
      service: meta.service,
    }));
    this.entries.clear();
    await prisma.rbacLog.createMany({ data: rows });
  }
}

/** Audit inserts that failed (each withheld a response): any is worth a page (deploy/observability/alerts.yml). */
const auditWriteFailures = perService((registry) => counter(registry, 'audit_write_failures_total', 'Audit-trail inserts that failed; each one withheld its response'));

interface AuditedContext {
  audit: AuditTrail;
  prisma: Prisma;
  caller: Caller;
  service: string;
  operationName: string | null;
  requestId: string;
  correlationId: string | null;
  clientIp: string | null;
  log: Logger;
}

/** Writes the request's audit rows before the response is sent; if that fails, the response carries no data. */
export function auditPlugin<C extends AuditedContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          try {
            await contextValue.audit.flush(contextValue.prisma, contextValue);
          } catch (error) {
            auditWriteFailures(contextValue.service).inc();
            contextValue.log.error({ err: error }, 'audit write failed: withholding the response');
            if (response.body.kind === 'single') {
              response.body.singleResult = {
                data: null,
                errors: [new GraphQLError('The request could not be audited and was not served', { extensions: { code: 'INTERNAL_SERVER_ERROR' } }).toJSON()],
              };
            }
          }
        },
      };
    },
  };
}

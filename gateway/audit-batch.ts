// One audit statement per gateway request for the subgraphs of this process. Each operation's
// execution gets a batch (shared/rbac/audit-batch.ts) that its in-process fetches hand their
// audit rows to; once the plan has run, the batch is written in one statement, and only then is
// the result given back to be sent. If that write fails, the result is replaced by the
// AUDIT_UNAVAILABLE error and no data, as a subgraph does with its own response. Fetches over
// HTTP, @defer's parts and subscription events write their rows in the subgraphs as before.
import type { Logger } from '../shared/logger';
import { AuditBatch } from '../shared/rbac/audit-batch';
import { auditUnavailable, auditWriteFailures } from '../shared/rbac/audit';
import type { GatewayInterface } from '../shared/server/gateway-interface';
import type { GatewayContext } from './context';

type GatewayExecutionResult = Awaited<ReturnType<NonNullable<Awaited<ReturnType<GatewayInterface<GatewayContext>['load']>>['executor']>>>;

/** `gateway` with each operation's in-process audit rows written in one statement before its result is returned. */
export function withBatchedAudit(gateway: GatewayInterface<GatewayContext>, log: Logger): GatewayInterface<GatewayContext> {
  return {
    load: async (options) => {
      const loaded = await gateway.load(options);
      const execute = loaded.executor;
      if (!execute) return loaded;
      return {
        executor: async (requestContext) => {
          const batch = new AuditBatch();
          (requestContext.context as GatewayContext).auditBatch = batch;
          let outcome: { result: GatewayExecutionResult } | { error: unknown };
          try {
            outcome = { result: await execute(requestContext) };
          } catch (error) {
            outcome = { error };
          }
          // Rows adopted before a failed execution are written too: each decision was made.
          try {
            await batch.write();
          } catch (error) {
            auditWriteFailures('gateway').inc();
            log.error({ err: error }, 'audit write failed: withholding the response');
            return { data: null, errors: [auditUnavailable()] };
          }
          if ('error' in outcome) throw outcome.error;
          return outcome.result;
        },
      };
    },
    stop: () => gateway.stop(),
    onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
  };
}

// One audit statement per gateway request for the subgraphs of this process. Each operation's
// execution gets a batch (shared/rbac/audit-batch.ts) that its in-process fetches hand their
// audit rows to; once the plan has run, the batch is written in one statement, and only then is
// the result given back to be sent. If that write fails, the result is replaced by the
// AUDIT_UNAVAILABLE error and no data, as a subgraph does with its own response. Fetches over
// HTTP, @defer's parts and subscription events write their rows in the subgraphs as before.
// Given shared reads (./shared-reads.ts), identical queries of one credential in flight share an
// execution: the batch writes its rows for each of them, and each is answered only after that.
import type { Logger } from '../shared/logger';
import { AuditBatch } from '../shared/rbac/audit-batch';
import { auditUnavailable, auditWriteFailures } from '../shared/rbac/audit';
import type { GatewayInterface } from '../shared/server/gateway-interface';
import type { GatewayContext } from './context';
import { copyOf, readKeyOf, type ExecutionRequest, type GatewayExecutionResult, type ReadRequest, type SharedReads } from './shared-reads';

/** `gateway` with each operation's in-process audit rows written in one statement before its result is returned. */
export function withBatchedAudit(gateway: GatewayInterface<GatewayContext>, log: Logger, shared?: SharedReads<GatewayExecutionResult>): GatewayInterface<GatewayContext> {
  return {
    load: async (options) => {
      const loaded = await gateway.load(options);
      const execute = loaded.executor;
      if (!execute) return loaded;

      const run = async (requestContext: ExecutionRequest, key: string | null): Promise<GatewayExecutionResult> => {
        const context = requestContext.context as GatewayContext;
        const batch = new AuditBatch();
        context.auditBatch = batch;
        const lead = key === null ? undefined : shared?.lead(key);
        let outcome: { result: GatewayExecutionResult } | { error: unknown };
        try {
          outcome = { result: await execute(requestContext) };
        } catch (error) {
          outcome = { error };
        }
        // A write acknowledged here: later reads must not join one that may have started before it.
        if (requestContext.operation.operation === 'mutation') shared?.endJoinWindows();
        const joiners = lead?.close() ?? [];
        try {
          const sharing = joiners.length > 0 && 'result' in outcome && batch.shareable && !context.signal.aborted;
          if (sharing) for (const joiner of joiners) batch.shareWith(joiner.request);
          else for (const joiner of joiners) joiner.settle(null);
          // Rows adopted before a failed execution are written too: each decision was made.
          // (The audited client this write goes through reports it to the batch: too late to matter, sharing is decided.)
          try {
            await batch.write();
          } catch (error) {
            auditWriteFailures('gateway').inc();
            log.error({ err: error }, 'audit write failed: withholding the response');
            if (sharing) for (const joiner of joiners) joiner.settle({ data: null, errors: [auditUnavailable()] });
            return { data: null, errors: [auditUnavailable()] };
          }
          if ('error' in outcome) throw outcome.error;
          if (sharing) for (const joiner of joiners) joiner.settle(copyOf(outcome.result));
          return outcome.result;
        } finally {
          // Whatever happened above, no request is left waiting: one not given a result runs on its own.
          for (const joiner of joiners) joiner.settle(null);
        }
      };

      return {
        executor: async (requestContext) => {
          // Its context is the gateway's (the executor's type leaves it open).
          const context = requestContext.context as GatewayContext;
          const key = shared ? readKeyOf(requestContext as typeof requestContext & ReadRequest) : null;
          const joined = shared && key !== null ? shared.join(key, context) : null;
          if (joined) {
            const result = await joined;
            if (result) return result;
          }
          return run(requestContext, key);
        },
      };
    },
    stop: () => gateway.stop(),
    onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
  };
}

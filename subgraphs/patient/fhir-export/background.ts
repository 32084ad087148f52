// The patient subgraph's export service, started once per process: the workers that run
// exports (retried by the queue, dead-lettered into FAILED), and the one that deletes expired
// exports; the kick-off in a request reads it from ctx.services. A run stops before the queue would give up on it, and when the process stops
// (the queue runs it again after the restart).
import type PgBoss from 'pg-boss';
import { delegationSigner } from '../../../shared/auth/delegation';
import type { JobQueue } from '../../../shared/queue/jobs';
import type { StartedServices, SubgraphDeps } from '../../../shared/server/subgraph';
import { fhirBaseOf, RecordReadError } from './record-reader';
import { runExport, type RunDeps } from './run';
import { ensureExportQueues, FAILED_QUEUE, failExport, noteRetry, purgeExpired, PURGE_QUEUE, RUN_QUEUE, type FhirExportConfig, type RunClaim, type RunJob } from './store';

/** A run stops this long before FHIR_EXPORT_JOB_TIMEOUT_SECONDS, so it never outlives the queue's hold on it. */
const RUN_DEADLINE_MARGIN_MS = 5_000;

/** What the kick-off needs in a request: the queue and the settings; `enabled` is false without a service signing key. */
export interface ExportService {
  queue: JobQueue;
  config: FhirExportConfig;
  enabled: boolean;
}

/** Why a run failed, in words for the requester (no addresses or internals: the log has those). */
function reasonOf(error: unknown, signal: AbortSignal, stopping: AbortSignal): string {
  if (error instanceof RecordReadError) return error.message;
  if (stopping.aborted) return 'The run was interrupted (the service restarted)';
  if (signal.aborted) return 'The run took longer than its time limit';
  return 'The run failed';
}

export async function startFhirExports(runtime: SubgraphDeps): Promise<StartedServices<ExportService>> {
  const { prisma, log } = runtime;
  const config = runtime.config.fhirExport;
  const sign = await delegationSigner(runtime.config);
  const queue = await runtime.queue.start();
  const stopping = new AbortController();
  const deps: RunDeps | null = sign
    ? { prisma, queue, config, reader: { fhirBase: fhirBaseOf(runtime.config.gatewayUrl), sign, tokenTtlSeconds: config.tokenTtlSeconds, pageTimeoutMs: config.pageTimeoutMs } }
    : null;

  async function run(job: PgBoss.JobWithMetadata<RunJob>): Promise<void> {
    const { exportId } = job.data;
    if (!deps) {
      await failExport(prisma, queue, config, exportId, 'Exports are not enabled on this server (no service signing key)');
      return;
    }
    const signal = AbortSignal.any([stopping.signal, AbortSignal.timeout(Math.max(1_000, config.jobTimeoutSeconds * 1000 - RUN_DEADLINE_MARGIN_MS))]);
    let claim: RunClaim | undefined;
    try {
      const outcome = await runExport(deps, exportId, signal, (claimed) => (claim = claimed));
      log.info({ exportId, outcome, attempt: claim?.attempt }, 'FHIR export run ended');
    } catch (error) {
      const reason = reasonOf(error, signal, stopping.signal);
      log.warn({ err: error, exportId, attempt: claim?.attempt, retryCount: job.retryCount }, `FHIR export run failed: ${reason}`);
      if (error instanceof RecordReadError && error.permanent) {
        await failExport(prisma, queue, config, exportId, reason);
        return;
      }
      if (claim) await noteRetry(prisma, claim, `${reason}; it will be tried again`);
      // The queue retries it after FHIR_EXPORT_RETRY_DELAY_SECONDS, or dead-letters it into FAILED.
      throw error;
    }
  }

  async function deadLettered(job: PgBoss.JobWithMetadata<RunJob>): Promise<void> {
    const { exportId } = job.data;
    const last = (await prisma.fhirExport.findUnique({ where: { id: exportId }, select: { error: true, attempts: true } })) ?? null;
    if (!last) return;
    const reason = last.error?.replace(/; it will be tried again$/, '') ?? 'The run did not finish';
    if (await failExport(prisma, queue, config, exportId, `Every run failed (${last.attempts}); the last: ${reason}`)) log.error({ exportId }, 'FHIR export failed: every run failed');
  }

  await ensureExportQueues(queue, config);
  const polling = { pollingIntervalSeconds: config.pollSeconds };
  await queue.work<RunJob>(RUN_QUEUE, { ...polling, concurrency: config.workers }, run);
  await queue.work<RunJob>(FAILED_QUEUE, polling, deadLettered);
  await queue.work(PURGE_QUEUE, polling, async () => {
    const purged = await purgeExpired(prisma);
    if (purged) log.info({ purged }, 'FHIR exports expired and were deleted with their files');
  });
  if (!deps) log.warn('FHIR exports: no service signing key (PARTNER_SIGNING_JWK), so $export is off');
  return {
    services: { queue, config, enabled: deps !== null },
    async stop() {
      // No worker takes another export; the runs in progress stop now; the queue runs them again after the restart.
      // The process stops the queue itself (bin/launch.ts).
      await queue.boss.offWork(RUN_QUEUE);
      stopping.abort(new Error('the process is stopping'));
    },
  };
}

// The wearables subgraph's services, built once per process before it listens: the token
// keyring (a missing key in production stops the start here), the vendor simulators of every
// provider not configured for its real vendor, and the sync queue, with its workers and the
// daily 03:00 UTC schedule (unless WEARABLES_SYNC_WORKERS=false: then this process only
// queues jobs, for a worker Deployment to run); the vendors' rate limits, shared through Redis
// when there is one (sync/vendor-pacing.ts); and the refresh of the health score's wearables
// part that labs keeps (score-refresh.ts: at start, and daily after midnight UTC).
import { startCareAlertRaising } from '../../shared/domain/care-alerts';
import type { StartedServices, SubgraphDeps } from '../../shared/server/subgraph';
import { loadWearablesConfig } from './config';
import type { WearablesServices } from './services';
import { startSimulators } from './simulators';
import { syncConnection, RetryableSyncError, type SyncDeps } from './sync/pipeline';
import { measureSyncJob, providerOfQueue, watchQueueDepth } from './sync/metrics';
import { startSyncQueue, type QueueHandlers, type SyncQueue } from './sync/queue';
import { requestDailySync } from './sync/request';
import { startVendorPacing } from './sync/vendor-pacing';
import { loadTokenKeyring } from './tokens/keyring';
import { startScoreRefresh } from './score-refresh';

export async function startWearablesServices(runtime: SubgraphDeps): Promise<StartedServices<WearablesServices>> {
  const { prisma, log, clock } = runtime;
  const config = loadWearablesConfig(runtime.config);
  const keyring = loadTokenKeyring(config);
  // Sustained anomalies in stored readings raise care alerts through the job queue (anomalies.ts).
  const jobQueue = await startCareAlertRaising(runtime.queue);
  // Labs keeps the health score's wearables part: sent with each write (readings.ts) and refreshed as the window slides.
  await startScoreRefresh({ prisma, jobQueue, clock, log });
  const stopSimulators = await startSimulators(config, log);
  const pacing = startVendorPacing(runtime.config.redisUrl, log);
  const deps: SyncDeps = { prisma, patientFacts: runtime.ports.patientFacts, pubsub: runtime.pubsub, jobQueue, config, keyring, pacing, log, now: () => clock.now() };
  let queue: SyncQueue;
  const handlers: QueueHandlers = {
    async sync(job) {
      const outcome = await measureSyncJob(providerOfQueue(job.name) ?? job.name, () => syncConnection(deps, job.data.connectionId, job.id));
      // The connection already shows the failure; throwing hands a temporary one back to the queue to retry.
      if (outcome.status === 'failed' && outcome.retryable) throw new RetryableSyncError(outcome.error);
    },
    async daily() {
      const queued = await requestDailySync(prisma, queue, config.rawPayloadRetentionDays, clock.now());
      log.info({ queued }, 'daily wearable sync queued');
    },
  };
  try {
    queue = await startSyncQueue({ db: runtime.db, config, log, handlers: runtime.config.deployment.wearablesSyncWorkers ? handlers : undefined });
  } catch (error) {
    await stopSimulators();
    await pacing.close();
    throw error;
  }
  const unwatch = watchQueueDepth(queue);
  return {
    services: { config, keyring, pacing, queue, jobQueue, clock },
    async stop() {
      unwatch();
      await queue.stop();
      await stopSimulators();
      await pacing.close();
    },
  };
}

// The patient subgraph's care-alert services, started once per process: the job queue's
// workers that store raised alerts, escalate unacknowledged ones and deliver notifications
// through the configured channels; the queue is the resolvers' too (an admin's retry).
import { ensureCareAlertQueue } from '../../../shared/domain/care-alerts';
import type { JobQueue } from '../../../shared/queue/jobs';
import type { SubgraphDeps } from '../../../shared/server/subgraph';
import { channelsFrom } from './channels';
import { careAlertsConfig } from './config';
import { ensureWorkflowQueues, startWorkers } from './workflow';

/** Returns the queue, for the resolvers; the process stops it (bin/launch.ts), and with it these workers. */
export async function startCareAlerts(runtime: SubgraphDeps): Promise<{ queue: JobQueue }> {
  const config = careAlertsConfig(runtime.config);
  const channels = channelsFrom(config);
  const queue = await runtime.queue.start();
  await ensureCareAlertQueue(queue);
  await ensureWorkflowQueues(queue, config);
  await startWorkers({ prisma: runtime.prisma, pubsub: runtime.pubsub, queue, config, channels, log: runtime.log, clock: runtime.clock });
  runtime.log.info(channels.length ? `care alerts notify through ${channels.map((c) => c.name).join(', ')}` : 'care alerts: no notification channel configured (CARE_ALERT_WEBHOOK_URL); alerts are stored, streamed and escalated');
  return { queue };
}

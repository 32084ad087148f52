// A care alert's life outside requests, each step a job on the process's queue so it survives
// restarts: a raise request becomes one alert (per key) with its first escalation scheduled and
// its notifications queued, all in one transaction; an escalation job escalates an alert still
// OPEN (compare-and-set on its level, so a job run twice escalates once) and schedules the next;
// a delivery job sends one notification through its channel, retried with backoff, then
// dead-lettered. The alert's careAlertRaised event is written to the outbox in the same
// transaction (shared/outbox): published after the commit, retried until delivered.
import type PgBoss from 'pg-boss';
import type { CareAlert } from '../../../generated/prisma/client';
import type { Prisma } from '../../../shared/db/database';
import { CARE_ALERT_RAISE_QUEUE, validateCareAlertRequest, type CareAlertRequest } from '../../../shared/domain/care-alerts';
import type { Clock } from '../../../shared/clock';
import type { Logger } from '../../../shared/logger';
import { topics, type PubSub } from '../../../shared/pubsub';
import { transactionWithEvents } from '../../../shared/outbox';
import type { JobQueue } from '../../../shared/queue/jobs';
import { transactionDb, type RawTransaction } from '../../../shared/queue/sql';
import type { Audience, NotificationChannel, NotificationEvent } from './channels';
import type { CareAlertsConfig } from './config';
import { withTraceContext } from '../../../shared/observability/job-tracing';

export const ESCALATE_QUEUE = 'care-alerts-escalate';
export const DELIVER_QUEUE = 'care-alerts-deliver';

export interface WorkflowDeps {
  prisma: Prisma;
  pubsub: PubSub;
  queue: JobQueue;
  config: CareAlertsConfig;
  channels: NotificationChannel[];
  log: Logger;
  /** When alerts are stored and escalated, and so when their next escalation falls due. */
  clock: Clock;
}

interface EscalationJob {
  alertId: string;
  level: number;
}

interface DeliveryJob {
  deliveryId: string;
}

type Tx = Parameters<Parameters<Prisma['$transaction']>[0]>[0] & RawTransaction;

export async function ensureWorkflowQueues(queue: JobQueue, config: CareAlertsConfig): Promise<void> {
  await queue.ensureQueue(ESCALATE_QUEUE, { policy: 'standard', retryLimit: 5, retryDelay: 10, retryBackoff: true });
  await queue.ensureQueue(DELIVER_QUEUE, { policy: 'standard', retryLimit: config.webhookRetryLimit, retryDelay: config.webhookRetryDelaySeconds, retryBackoff: true });
}

async function scheduleEscalation(deps: WorkflowDeps, tx: Tx, alertId: string, level: number, at: Date): Promise<void> {
  await deps.queue.boss.send(ESCALATE_QUEUE, withTraceContext({ alertId, level } satisfies EscalationJob), { startAfter: at, singletonKey: `${alertId}:${level}`, db: transactionDb(tx) } as PgBoss.SendOptions);
}

/** One delivery per configured channel, and its job (the job's id is the delivery's). */
async function queueDeliveries(deps: WorkflowDeps, tx: Tx, alert: CareAlert, event: NotificationEvent, audience: Audience): Promise<number> {
  for (const channel of deps.channels) {
    const delivery = await tx.careAlertDelivery.create({ data: { alertId: alert.id, channel: channel.name, event, audience, escalationLevel: alert.escalationLevel } });
    await deps.queue.boss.send(DELIVER_QUEUE, withTraceContext({ deliveryId: delivery.id } satisfies DeliveryJob), { id: delivery.id, db: transactionDb(tx) } as PgBoss.SendOptions);
  }
  return deps.channels.length;
}

function announce(deps: WorkflowDeps, deliveries: number): void {
  if (deliveries) deps.queue.wake(DELIVER_QUEUE);
}

/** A raise request → the alert (once per key). Returns null when the key was already stored or the request is unusable. */
export async function storeRaisedAlert(deps: WorkflowDeps, raw: CareAlertRequest): Promise<CareAlert | null> {
  let request: CareAlertRequest;
  try {
    request = validateCareAlertRequest(raw);
  } catch (error) {
    deps.log.error({ err: error }, 'care alert: an unusable raise request was dropped');
    return null;
  }
  if (!(await deps.prisma.customerProfile.findUnique({ where: { id: request.patientId }, select: { id: true } }))) {
    deps.log.error({ key: request.key }, 'care alert: the raise request names no patient we have; dropped');
    return null;
  }
  const now = deps.clock.now();
  const firstEscalation = new Date(now.getTime() + deps.config.escalateAfterSeconds[request.severity] * 1000);
  const stored = await transactionWithEvents(deps.prisma, async (tx, emit) => {
    const [alert] = await tx.careAlert.createManyAndReturn({
      data: [
        {
          raiseKey: request.key,
          profileId: request.patientId,
          kind: request.kind,
          severity: request.severity,
          title: request.title,
          detail: (request.detail ?? null) as never,
          sourceService: request.source.service,
          sourceType: request.source.type,
          sourceId: request.source.id,
          occurredAt: new Date(request.occurredAt!),
          nextEscalationAt: firstEscalation,
          createdAt: now,
        },
      ],
      skipDuplicates: true,
    });
    if (!alert) return null;
    await scheduleEscalation(deps, tx as Tx, alert.id, 1, firstEscalation);
    emit(topics.careAlertRaised, alert);
    return { alert, deliveries: await queueDeliveries(deps, tx as Tx, alert, 'raised', 'care_team') };
  });
  if (!stored) return null;
  deps.log.info({ alertId: stored.alert.id, kind: stored.alert.kind, severity: stored.alert.severity }, 'care alert raised');
  announce(deps, stored.deliveries);
  return stored.alert;
}

/** Escalates the alert to `level` if it is still OPEN at the level before; otherwise does nothing (acknowledged, resolved, or already done). */
export async function escalateAlert(deps: WorkflowDeps, job: EscalationJob, now = deps.clock.now()): Promise<CareAlert | null> {
  const next = job.level < deps.config.maxEscalations ? new Date(now.getTime() + deps.config.escalationRepeatSeconds * 1000) : null;
  const escalated = await transactionWithEvents(deps.prisma, async (tx, emit) => {
    const [alert] = await tx.careAlert.updateManyAndReturn({
      where: { id: job.alertId, status: 'OPEN', escalationLevel: job.level - 1 },
      data: { escalationLevel: job.level, escalatedAt: now, nextEscalationAt: next },
    });
    if (!alert) return null;
    if (next) await scheduleEscalation(deps, tx as Tx, alert.id, job.level + 1, next);
    emit(topics.careAlertRaised, alert);
    return { alert, deliveries: await queueDeliveries(deps, tx as Tx, alert, 'escalated', 'admins') };
  });
  if (!escalated) return null;
  deps.log.warn({ alertId: escalated.alert.id, level: job.level, severity: escalated.alert.severity }, 'care alert escalated: unacknowledged');
  announce(deps, escalated.deliveries);
  return escalated.alert;
}

/** Sends one notification. A failure is retried by the queue; the last one dead-letters the delivery. */
export async function deliver(deps: WorkflowDeps, job: PgBoss.JobWithMetadata<DeliveryJob>): Promise<void> {
  const delivery = await deps.prisma.careAlertDelivery.findUnique({ where: { id: job.data.deliveryId }, include: { alert: true } });
  if (!delivery || delivery.status !== 'PENDING') return;
  const channel = deps.channels.find((c) => c.name === delivery.channel);
  const attempt = { attempts: { increment: 1 }, lastAttemptAt: new Date() };
  if (!channel) {
    await deps.prisma.careAlertDelivery.update({ where: { id: delivery.id }, data: { ...attempt, status: 'DEAD', lastError: `channel ${delivery.channel} is no longer configured` } });
    return;
  }
  try {
    await channel.deliver({ id: delivery.id, event: delivery.event as NotificationEvent, audience: delivery.audience as Audience, escalationLevel: delivery.escalationLevel, alert: delivery.alert });
  } catch (error) {
    const last = job.retryCount >= job.retryLimit;
    const message = (error as Error).message.slice(0, 500);
    await deps.prisma.careAlertDelivery.update({ where: { id: delivery.id }, data: { ...attempt, lastError: message, ...(last ? { status: 'DEAD' } : {}) } });
    if (last) {
      deps.log.error({ deliveryId: delivery.id, alertId: delivery.alertId, attempts: delivery.attempts + 1 }, `care alert delivery dead-lettered: ${message}`);
      return;
    }
    throw error;
  }
  await deps.prisma.careAlertDelivery.update({ where: { id: delivery.id }, data: { ...attempt, status: 'DELIVERED', deliveredAt: new Date(), lastError: null } });
}

/** An admin's retry of a dead-lettered delivery: PENDING again, with a new job (retries start over). */
export async function retryDelivery(deps: Pick<WorkflowDeps, 'prisma' | 'queue'>, deliveryId: string) {
  const delivery = await deps.prisma.$transaction(async (tx) => {
    const [updated] = await tx.careAlertDelivery.updateManyAndReturn({ where: { id: deliveryId, status: 'DEAD' }, data: { status: 'PENDING' } });
    if (!updated) return null;
    await deps.queue.boss.send(DELIVER_QUEUE, withTraceContext({ deliveryId } satisfies DeliveryJob), { db: transactionDb(tx as Tx) } as PgBoss.SendOptions);
    return updated;
  });
  if (delivery) deps.queue.wake(DELIVER_QUEUE);
  return delivery;
}

export async function startWorkers(deps: WorkflowDeps): Promise<void> {
  const polling = { pollingIntervalSeconds: deps.config.pollSeconds };
  await deps.queue.work<CareAlertRequest>(CARE_ALERT_RAISE_QUEUE, { ...polling, concurrency: 2 }, async (job) => void (await storeRaisedAlert(deps, job.data)));
  await deps.queue.work<EscalationJob>(ESCALATE_QUEUE, polling, async (job) => void (await escalateAlert(deps, job.data)));
  await deps.queue.work<DeliveryJob>(DELIVER_QUEUE, { ...polling, concurrency: 2 }, (job) => deliver(deps, job));
}

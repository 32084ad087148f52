// The care team's queue of alerts: the list (most urgent and newest first), acknowledging and
// resolving (compare-and-set on the status, so two people acting at once both see the truth),
// the live stream of raised and escalated alerts, the dead-letter list of failed
// notifications, and what a patient may see: that their care team was notified, and whether
// it has seen it.
import type { GraphQLResolveInfo } from 'graphql';
import type { CareAlert, CareAlertDelivery, CareAlertDeliveryStatus, CareAlertSeverity, CareAlertStatus } from '../../../generated/prisma/client';
import { badUserInput, notFound, parseId } from '../../../shared/graphql/errors';
import { connectionFromQuery, type PageArgs } from '../../../shared/graphql/pagination';
import { wantsField } from '../../../shared/graphql/selection';
import { topics } from '../../../shared/pubsub';
import { outboxCatchUp, subscribeEvents } from '../../../shared/outbox';
import { authorize } from '../../../shared/rbac/rules';
import type { SubgraphContext } from '../../../shared/server/context';
import type { PatientServices } from '../services';
import type { PatientLoaders } from '../loaders';
import { retryDelivery } from './workflow';
import { patientData } from '../data';

type Ctx = SubgraphContext<PatientLoaders, PatientServices>;

/** A resolution note documents who did what: a few words at least. */
export const RESOLUTION_NOTE_CHARS = { min: 5, max: 2000 };
/** How many notices a patient's own view lists at most. */
const MAX_NOTICES = 50;

async function loadAlert(ctx: Ctx, id: string): Promise<CareAlert> {
  const alert = await ctx.loaders.careAlert.load(parseId('id', id));
  if (!alert) throw notFound('CareAlert', id);
  return alert;
}

/** The alert as it is now, after a compare-and-set that may have lost to someone else's change. */
async function current(ctx: Ctx, updated: CareAlert | undefined, id: string): Promise<CareAlert> {
  return updated ?? (await patientData(ctx.prisma).careAlert.findUniqueOrThrow({ where: { id } }));
}

export const careAlertQueries = {
  careAlerts: (_: unknown, args: PageArgs & { status?: CareAlertStatus[] | null; severity?: CareAlertSeverity[] | null; patientId?: string | null }, ctx: Ctx, info: GraphQLResolveInfo) => {
    const where = {
      ...(args.status?.length ? { status: { in: args.status } } : {}),
      ...(args.severity?.length ? { severity: { in: args.severity } } : {}),
      ...(args.patientId ? { profileId: parseId('patientId', args.patientId) } : {}),
    };
    return connectionFromQuery(
      (window) => patientData(ctx.prisma).careAlert.findMany({ where, orderBy: [{ severity: 'asc' }, { createdAt: 'desc' }, { id: 'desc' }], ...window }),
      wantsField(info, 'totalCount') ? () => patientData(ctx.prisma).careAlert.count({ where }) : null,
      args,
    );
  },
  careAlertDeliveries: (_: unknown, args: PageArgs & { status?: CareAlertDeliveryStatus[] | null }, ctx: Ctx, info: GraphQLResolveInfo) => {
    const where = args.status?.length ? { status: { in: args.status } } : {};
    return connectionFromQuery(
      (window) => patientData(ctx.prisma).careAlertDelivery.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], ...window }),
      wantsField(info, 'totalCount') ? () => patientData(ctx.prisma).careAlertDelivery.count({ where }) : null,
      args,
    );
  },
};

export const careAlertMutations = {
  acknowledgeCareAlert: async (_: unknown, args: { id: string }, ctx: Ctx) => {
    const alert = await loadAlert(ctx, args.id);
    if (alert.status === 'RESOLVED') throw badUserInput('id', 'the alert is already resolved');
    if (alert.status === 'ACKNOWLEDGED') return alert;
    const [updated] = await patientData(ctx.prisma).careAlert.updateManyAndReturn({
      where: { id: alert.id, status: 'OPEN' },
      data: { status: 'ACKNOWLEDGED', acknowledgedAt: new Date(), acknowledgedBy: ctx.caller.userId, nextEscalationAt: null },
    });
    return current(ctx, updated, alert.id);
  },
  resolveCareAlert: async (_: unknown, args: { id: string; note: string }, ctx: Ctx) => {
    const alert = await loadAlert(ctx, args.id);
    const note = args.note.trim();
    if (note.length < RESOLUTION_NOTE_CHARS.min || note.length > RESOLUTION_NOTE_CHARS.max) {
      throw badUserInput('note', `must say what was done, in ${RESOLUTION_NOTE_CHARS.min} to ${RESOLUTION_NOTE_CHARS.max} characters`);
    }
    if (alert.status === 'RESOLVED') throw badUserInput('id', 'the alert is already resolved');
    const now = new Date();
    const [updated] = await patientData(ctx.prisma).careAlert.updateManyAndReturn({
      where: { id: alert.id, status: { not: 'RESOLVED' } },
      data: {
        status: 'RESOLVED',
        resolvedAt: now,
        resolvedBy: ctx.caller.userId,
        resolutionNote: note,
        nextEscalationAt: null,
        // Resolving is seeing it: an alert resolved straight from OPEN was acknowledged then too.
        acknowledgedAt: alert.acknowledgedAt ?? now,
        acknowledgedBy: alert.acknowledgedBy ?? ctx.caller.userId,
      },
    });
    if (!updated) throw badUserInput('id', 'the alert is already resolved');
    return updated;
  },
  retryCareAlertDelivery: async (_: unknown, args: { id: string }, ctx: Ctx) => {
    const id = parseId('id', args.id);
    const delivery = await patientData(ctx.prisma).careAlertDelivery.findUnique({ where: { id } });
    if (!delivery) throw notFound('CareAlertDelivery', id);
    if (delivery.status !== 'DEAD') throw badUserInput('id', `only a dead-lettered delivery is retried (this one is ${delivery.status})`);
    return (await retryDelivery({ prisma: ctx.prisma, queue: ctx.services.careAlerts.queue }, id)) ?? (await patientData(ctx.prisma).careAlertDelivery.findUniqueOrThrow({ where: { id } }));
  },
};

export const careAlertSubscriptions = {
  careAlertRaised: {
    // The stream is authorized (and audited) when it opens; each event again for its patient (permissions.ts).
    subscribe: async (_: unknown, __: unknown, ctx: Ctx) => {
      const decision = authorize(ctx, 'care_alerts', 'read', null);
      await ctx.audit.flush(ctx.prisma, ctx);
      if (decision !== true) throw decision;
      return subscribeEvents<CareAlert>(ctx.pubsub, topics.careAlertRaised, { catchUp: outboxCatchUp((sql, ...values) => ctx.prisma.$queryRawUnsafe(sql, ...values)), cursor: ctx.events });
    },
    resolve: async (alert: CareAlert, _: unknown, ctx: Ctx) => {
      // Each event is an access to one patient's alert: its audit row goes before the event does.
      await ctx.audit.flush(ctx.prisma, ctx);
      return alert;
    },
  },
};

export const careAlertTypes = {
  CareAlert: {
    patient: (alert: CareAlert, _: unknown, ctx: Ctx) => ctx.loaders.profile.load(alert.profileId),
    detail: (alert: CareAlert) => (alert.detail == null ? null : JSON.stringify(alert.detail)),
    source: (alert: CareAlert) => ({ service: alert.sourceService, type: alert.sourceType, id: alert.sourceId }),
  },
  CareAlertDelivery: {
    alert: (delivery: CareAlertDelivery, _: unknown, ctx: Ctx) => ctx.loaders.careAlert.load(delivery.alertId),
  },
};

/** What the patient sees: that the care team was told, and whether someone has seen it. Nothing of the queue's internals. */
export async function careTeamNotices(patientId: string, args: { first?: number | null }, ctx: Ctx) {
  const first = args.first ?? 10;
  if (!Number.isInteger(first) || first < 1 || first > MAX_NOTICES) throw badUserInput('first', `must be between 1 and ${MAX_NOTICES}`);
  const alerts = await ctx.loaders.careAlertsByPatient.load(patientId);
  return alerts.slice(0, first).map((alert) => ({
    id: alert.id,
    kind: alert.kind,
    notifiedAt: alert.createdAt,
    seenByCareTeam: alert.status !== 'OPEN',
    seenAt: alert.acknowledgedAt ?? alert.resolvedAt,
  }));
}

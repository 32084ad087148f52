import { authorizedStream } from '../../shared/rbac/stream';
import { topics } from '../../shared/pubsub';
import { appendPatientEvent } from '../../shared/domain/patient-events';
import type { GraphQLResolveInfo } from 'graphql';
import type { CgmConnection, WearableMetric, WearableProvider } from '../../generated/prisma/client';
import { badUserInput, isUuid, notFound, parseId } from '../../shared/graphql/errors';
import { connectionFromQuery, type PageArgs } from '../../shared/graphql/pagination';
import { wantsField } from '../../shared/graphql/selection';
import type { SubgraphContext } from '../../shared/server/context';
import { validateCheckIn, type CheckInInput } from './check-ins';
import { safeTimeZone } from './daily-stats';
import { DAILY_STAT_COLUMNS, glucoseWindow, PUBLIC_CONNECTION_COLUMNS, type ReadingFilter, type WearablesLoaders } from './loaders';
import { recordReadings, validateReadings, type WearableReadingInput } from './readings';
import { completeConnection, startConnection, type ConnectDeps } from './connect';
import { wearableScore } from './score';
import type { WearablesServices } from './services';
import { requestSync } from './sync/request';
import { patientDailyStats, type DailyStatArgs } from './record-queries';
import { wearablesData } from './data';

type Ctx = SubgraphContext<WearablesLoaders, WearablesServices>;
/** Wearables does not own patient data: a Patient here is its id, and every field loads by it. */
type PatientRef = { id: string };

/** Longest glucose window one request may ask for. */
const MAX_GLUCOSE_WINDOW_MS = 90 * 86_400_000;

async function loadPatient(ctx: Ctx, id: string) {
  const patient = await ctx.loaders.patient.load(id);
  if (!patient) throw notFound('Patient', id);
  return patient;
}

function checkRange(from: Date | null | undefined, to: Date | null | undefined): void {
  if (from && to && from.getTime() > to.getTime()) throw badUserInput('from', 'must not be after `to`');
}

/** The patient a self-service mutation acts for: the argument, else the caller's own record. */
function targetPatientId(ctx: Ctx, patientId: string | null | undefined): string {
  if (patientId !== undefined && patientId !== null) return parseId('patientId', patientId);
  if (ctx.caller.patientId) return ctx.caller.patientId;
  throw badUserInput('patientId', 'is required when the caller has no patient record of their own');
}

const connectDeps = ({ prisma, services }: Ctx): ConnectDeps => ({ prisma, config: services.config, keyring: services.keyring, pacing: services.pacing, queue: services.queue });

const day = (date: Date | null | undefined) => (date ? date.toISOString().slice(0, 10) : null);
const instant = (date: Date | null | undefined) => (date ? date.toISOString() : null);

export const resolvers = {
  Query: {
    wearableDailyStats: (_: unknown, args: DailyStatArgs, ctx: Ctx, info: GraphQLResolveInfo) => patientDailyStats(ctx, args, info),
    wearableDailyStat: async (_: unknown, args: { id: string }, ctx: Ctx) => {
      const stat = await ctx.loaders.dailyStat.load(parseId('id', args.id));
      if (!stat) throw notFound('DailyStat', args.id);
      return stat;
    },
    wearableConnections: (_: unknown, args: { patientId: string }, ctx: Ctx) => ctx.loaders.connections.load(parseId('patientId', args.patientId)),
  },
  DailyStat: {
    patient: (stat: { profileId: string }) => ({ id: stat.profileId }),
  },
  Mutation: {
    recordWearableReadings: async (_: unknown, args: { patientId: string; readings: WearableReadingInput[] }, ctx: Ctx) => {
      const profileId = parseId('patientId', args.patientId);
      const readings = validateReadings(args.readings);
      // The patient's time zone is the one column of patient's table wearables reads: a day's
      // stats must follow the patient's calendar, and the value is not worth a federation hop.
      const patient = await loadPatient(ctx, profileId);
      return recordReadings(ctx.prisma, ctx.services.jobQueue, profileId, safeTimeZone(patient.timezone), readings, ctx.services.clock.now());
    },
    startWearableConnection: async (_: unknown, args: { provider: WearableProvider; patientId?: string | null }, ctx: Ctx) => {
      const profileId = targetPatientId(ctx, args.patientId);
      await loadPatient(ctx, profileId);
      return startConnection(connectDeps(ctx), { profileId, provider: args.provider, createdBy: ctx.caller.userId });
    },
    completeWearableConnection: async (
      _: unknown,
      args: { provider: WearableProvider; code: string; state: string; patientId?: string | null },
      ctx: Ctx,
    ) => {
      const profileId = targetPatientId(ctx, args.patientId);
      await loadPatient(ctx, profileId);
      return completeConnection(connectDeps(ctx), { profileId, provider: args.provider, code: args.code, state: args.state });
    },
    syncWearables: async (_: unknown, args: { patientId?: string | null }, ctx: Ctx) => {
      const profileId = targetPatientId(ctx, args.patientId);
      await loadPatient(ctx, profileId);
      const connections = await wearablesData(ctx.prisma).wearableConnection.findMany({
        where: { profileId, status: { not: 'DISCONNECTED' } },
        select: { id: true, provider: true },
        orderBy: { provider: 'asc' },
      });
      const { queue } = ctx.services;
      for (const connection of connections) await requestSync(ctx.prisma, queue, connection, 'on-demand');
      return wearablesData(ctx.prisma).wearableConnection.findMany({
        where: { id: { in: connections.map((connection) => connection.id) } },
        select: PUBLIC_CONNECTION_COLUMNS,
        orderBy: { provider: 'asc' },
      });
    },
    disconnectWearable: async (_: unknown, args: { patientId?: string | null; provider: WearableProvider }, ctx: Ctx) => {
      const profileId = targetPatientId(ctx, args.patientId);
      await loadPatient(ctx, profileId);
      const key = { profileId, provider: args.provider };
      const existing = await wearablesData(ctx.prisma).wearableConnection.findUnique({ where: { profileId_provider: key }, select: { id: true } });
      if (!existing) throw notFound('WearableConnection', `${profileId}/${args.provider}`);
      const [connection] = await ctx.prisma.$transaction([
        wearablesData(ctx.prisma).wearableConnection.update({
          where: { profileId_provider: key },
          data: { status: 'DISCONNECTED', accessTokenEnc: null, refreshTokenEnc: null, tokenKeyId: null, tokenExpiresAt: null },
          select: PUBLIC_CONNECTION_COLUMNS,
        }),
        // A CGM (Dexcom) is reached through the same account: it stops with it.
        wearablesData(ctx.prisma).cgmConnection.updateMany({ where: { ...key, status: { not: 'DISCONNECTED' } }, data: { status: 'DISCONNECTED' } }),
        appendPatientEvent(ctx.prisma, {
          patientId: profileId,
          type: 'WEARABLE_DISCONNECTED',
          title: `${args.provider} disconnected`,
          source: 'wearables',
          detail: { provider: args.provider },
        }),
      ]);
      return connection;
    },
    submitCheckIn: async (_: unknown, args: { patientId: string; input: CheckInInput }, ctx: Ctx) => {
      const profileId = parseId('patientId', args.patientId);
      const data = validateCheckIn(args.input);
      await loadPatient(ctx, profileId);
      const key = { profileId, weekStart: args.input.weekStart };
      const [checkIn] = await ctx.prisma.$transaction([
        wearablesData(ctx.prisma).checkIn.upsert({ where: { profileId_weekStart: key }, create: { ...key, ...data }, update: data }),
        appendPatientEvent(ctx.prisma, {
          patientId: profileId,
          type: 'CHECK_IN',
          title: 'Weekly check-in',
          source: 'wearables',
          detail: { weekStart: args.input.weekStart.toISOString().slice(0, 10) },
        }),
      ]);
      return checkIn;
    },
  },
  Subscription: {
    wearableReadingAdded: {
      subscribe: (_: unknown, args: { patientId: string }, ctx: Ctx) =>
        authorizedStream(ctx, 'wearables', { name: 'patientId', value: args.patientId }, topics.wearableReadingAdded),
      resolve: (reading: unknown) => reading,
    },
  },
  WearableReading: {
    patient: (reading: { profileId: string }) => ({ id: reading.profileId }),
  },
  Patient: {
    // A malformed id cannot be a patient; answering null keeps it out of the batched SQL.
    __resolveReference: (ref: PatientRef): PatientRef | null => (isUuid(ref.id) ? { id: ref.id } : null),
    wearableConnections: (patient: PatientRef, _: unknown, ctx: Ctx) => ctx.loaders.connections.load(patient.id),
    wearableReadings: (
      patient: PatientRef,
      args: PageArgs & { metric?: WearableMetric | null; from?: Date | null; to?: Date | null },
      ctx: Ctx,
      info: GraphQLResolveInfo,
    ) => {
      checkRange(args.from, args.to);
      const filter: ReadingFilter = { metric: args.metric ?? null, from: instant(args.from), to: instant(args.to) };
      return connectionFromQuery(
        (window) => {
          if (window.cursor && !isUuid(window.cursor.id)) throw badUserInput('after', 'is not a cursor this API returned');
          return ctx.loaders.readingPages.load({
            parentId: patient.id,
            filter: { ...filter, take: window.take, after: window.cursor?.id.toLowerCase() ?? null },
          });
        },
        wantsField(info, 'totalCount')
          ? async () => (await ctx.loaders.readingCounts.load({ parentId: patient.id, filter }))[0]?.count ?? 0
          : null,
        args,
        100,
      );
    },
    wearableDailyStats: (patient: PatientRef, args: { metric?: WearableMetric | null; from?: Date | null; to?: Date | null }, ctx: Ctx, info: GraphQLResolveInfo) => {
      checkRange(args.from, args.to);
      const filter = { metric: args.metric ?? null, from: day(args.from), to: day(args.to), columns: DAILY_STAT_COLUMNS.keysFor(info) };
      return ctx.loaders.dailyStats.load({ parentId: patient.id, filter });
    },
    glucoseReadings: (patient: PatientRef, args: { from?: Date | null; to?: Date | null }, ctx: Ctx) => {
      const filter = { from: instant(args.from), to: instant(args.to) };
      const { from, to } = glucoseWindow(filter, ctx.services.clock.now());
      if (from.getTime() > to.getTime()) throw badUserInput('from', 'must not be after `to`');
      if (to.getTime() - from.getTime() > MAX_GLUCOSE_WINDOW_MS) throw badUserInput('from', 'the window may span at most 90 days');
      return ctx.loaders.glucoseReadings.load({ parentId: patient.id, filter });
    },
    checkIns: (patient: PatientRef, _: unknown, ctx: Ctx) => ctx.loaders.checkIns.load(patient.id),
    wearableScore: async (patient: PatientRef, _: unknown, ctx: Ctx) => wearableScore(await ctx.loaders.scoreStats.load(patient.id)),
    cgmConnection: async (patient: PatientRef, _: unknown, ctx: Ctx): Promise<CgmConnection | null> => {
      const connections = await ctx.loaders.cgmConnections.load(patient.id);
      return connections.find((connection) => connection.status === 'CONNECTED') ?? connections[0] ?? null;
    },
  },
};

// The wearables subgraph's per-request DataLoaders: connections, readings and daily stats per patient, one query per batch.
import { wearablesData } from './data';
import { patientFactsLoader } from '../../shared/domain/patient-facts';
import type { LoaderDeps } from '../../shared/server/subgraph';
import { badUserInput } from '../../shared/graphql/errors';
import { entityLoader, filteredRelationLoader, relationLoader } from '../../shared/graphql/loaders';
import { columnSelection } from '../../shared/graphql/columns';
import { Prisma as Sql, type WearableDailyStat, type WearableMetric, type WearableReading } from '../../generated/prisma/client';
import type { WearablesServices } from './services';
import { scoreWindowStart } from './score';
import { scoreMeans } from './score-parts';

/** The columns of wearable_data a client may see: never the tokens, their key id or the sync cursor. */
export const PUBLIC_CONNECTION_COLUMNS = {
  id: true,
  profileId: true,
  provider: true,
  status: true,
  scopes: true,
  connectedAt: true,
  lastSyncedAt: true,
  lastError: true,
  syncStatus: true,
  syncJobId: true,
  syncRequestedAt: true,
  syncStartedAt: true,
  syncFinishedAt: true,
  syncReadingsAdded: true,
} as const satisfies Sql.WearableConnectionSelect;

export interface ReadingFilter {
  metric: WearableMetric | null;
  /** ISO instants (strings, so equal filters share one statement). */
  from: string | null;
  to: string | null;
}

export interface ReadingPageFilter extends ReadingFilter {
  /** Rows per patient (page size + 1, to know whether there is a next page). */
  take: number;
  /** Id of the reading the page starts after. */
  after: string | null;
}

export interface DayFilter {
  metric: WearableMetric | null;
  /** YYYY-MM-DD */
  from: string | null;
  to: string | null;
}

/** The columns of a daily stat, by DailyStat's fields: a list of stats reads those its selected fields come from. */
export const DAILY_STAT_COLUMNS = columnSelection({
  columns: {
    id: 's.id::text AS id',
    profileId: 's.profile_id::text AS "profileId"',
    metric: 's.metric::text AS metric',
    day: `to_char(s.day, 'YYYY-MM-DD') AS day`,
    min: 's.min',
    max: 's.max',
    avg: 's.avg',
    count: 's.count',
    unit: 's.unit',
    updatedAt: 's.updated_at AS "updatedAt"',
  },
  always: ['profileId'],
  fieldColumns: { patient: [] },
});
export type DailyStatColumn = ReturnType<typeof DAILY_STAT_COLUMNS.keysFor>[number];
/** A listed daily stat: the columns its selection needs, its day as 'YYYY-MM-DD'. */
export type ListedDailyStat = Omit<WearableDailyStat, 'day'> & { day: string };

export interface GlucoseFilter {
  from: string | null;
  to: string | null;
}

/** Without `from`, glucose readings cover the 24 hours before `to` (which defaults to now). */
export const GLUCOSE_DEFAULT_WINDOW_MS = 24 * 3_600_000;

export function glucoseWindow(filter: GlucoseFilter, now = new Date()): { from: Date; to: Date } {
  const to = filter.to ? new Date(filter.to) : now;
  const from = filter.from ? new Date(filter.from) : new Date(to.getTime() - GLUCOSE_DEFAULT_WINDOW_MS);
  return { from, to };
}

function readingWhere(filter: ReadingFilter) {
  return {
    ...(filter.metric ? { metric: filter.metric } : {}),
    ...(filter.from || filter.to
      ? { recordedAt: { ...(filter.from ? { gte: new Date(filter.from) } : {}), ...(filter.to ? { lte: new Date(filter.to) } : {}) } }
      : {}),
  };
}

/**
 * `services.clock` says when "now" is for the windows ending now (read per batch: a subgraph may run
 * without its services); `reads` sends the dashboard's big read past Prisma's model layer.
 */
export function createWearablesLoaders({ prisma: client, ports, services, reads }: LoaderDeps<Pick<WearablesServices, 'clock'>>) {
  const prisma = wearablesData(client);
  return {
    /** Existence, plus the time zone daily stats are computed in. */
    patient: patientFactsLoader(ports.patientFacts),
    dailyStat: entityLoader((ids) => prisma.wearableDailyStat.findMany({ where: { id: { in: [...ids] } } })),
    connections: relationLoader(
      (ids) => prisma.wearableConnection.findMany({ where: { profileId: { in: [...ids] } }, select: PUBLIC_CONNECTION_COLUMNS, orderBy: [{ provider: 'asc' }] }),
      (row) => row.profileId,
    ),
    /**
     * One page of readings per patient, newest first, in one statement for all patients
     * (a LATERAL subquery keeps each patient's page bounded by `take`).
     */
    readingPages: filteredRelationLoader(async (ids, filter: ReadingPageFilter): Promise<WearableReading[]> => {
      let after = Sql.empty;
      if (filter.after) {
        const cursor = await prisma.wearableReading.findUnique({ where: { id: filter.after }, select: { id: true, recordedAt: true } });
        if (!cursor) throw badUserInput('after', 'does not point into this list');
        after = Sql.sql`AND (r0.recorded_at, r0.id) < (${cursor.recordedAt}::timestamptz, ${cursor.id}::uuid)`;
      }
      return prisma.$queryRaw<WearableReading[]>(Sql.sql`
        SELECT r.id, r.profile_id AS "profileId", r.provider::text AS provider, r.metric::text AS metric, r.value, r.unit,
               r.recorded_at AS "recordedAt", r.provider_reading_id AS "providerReadingId", r.created_at AS "createdAt"
        FROM unnest(ARRAY[${Sql.join(ids)}]::uuid[]) AS p(id)
        CROSS JOIN LATERAL (
          SELECT r0.* FROM "patient_graph"."patient_wearable_readings" r0
          WHERE r0.profile_id = p.id
            ${filter.metric ? Sql.sql`AND r0.metric = ${filter.metric}::"patient_graph"."WearableMetric"` : Sql.empty}
            ${filter.from ? Sql.sql`AND r0.recorded_at >= ${new Date(filter.from)}::timestamptz` : Sql.empty}
            ${filter.to ? Sql.sql`AND r0.recorded_at <= ${new Date(filter.to)}::timestamptz` : Sql.empty}
            ${after}
          ORDER BY r0.recorded_at DESC, r0.id DESC
          LIMIT ${filter.take}
        ) r
        ORDER BY r.profile_id, r.recorded_at DESC, r.id DESC`);
    }, (row) => row.profileId),
    /** Reading counts per patient for one filter, in one grouped statement (a filtered countLoader: one row per patient). */
    readingCounts: filteredRelationLoader(
      async (ids, filter: ReadingFilter) =>
        (
          await prisma.wearableReading.groupBy({
            by: ['profileId'],
            where: { profileId: { in: [...ids] }, ...readingWhere(filter) },
            _count: { _all: true },
          })
        ).map((row) => ({ parentId: row.profileId, count: row._count._all })),
      (row) => row.parentId,
    ),
    /**
     * Daily stats per patient for one filter, oldest day first, past Prisma's model layer (the
     * dashboard reads a thousand), with the columns `filter.columns` names; the day as its text
     * (the Date scalar answers it as it is).
     */
    dailyStats: filteredRelationLoader(async (ids, filter: DayFilter & { columns: readonly DailyStatColumn[] }): Promise<ListedDailyStat[]> => {
      const params: unknown[] = [[...ids]];
      const where = ['s.profile_id = ANY($1::uuid[])'];
      if (filter.metric) where.push(`s.metric = $${params.push(filter.metric)}::"patient_graph"."WearableMetric"`);
      if (filter.from) where.push(`s.day >= $${params.push(filter.from)}::date`);
      if (filter.to) where.push(`s.day <= $${params.push(filter.to)}::date`);
      return reads<ListedDailyStat>(
        `SELECT ${DAILY_STAT_COLUMNS.selectList(filter.columns)}
           FROM "patient_graph"."patient_wearable_daily_stats" AS s
          WHERE ${where.join(' AND ')}
          ORDER BY s.day, s.metric`,
        params,
      );
    }, (row) => row.profileId),
    glucoseReadings: filteredRelationLoader((ids, filter: GlucoseFilter) => {
      const { from, to } = glucoseWindow(filter, services.clock.now());
      return prisma.glucoseReading.findMany({
        where: { profileId: { in: [...ids] }, recordedAt: { gte: from, lte: to } },
        orderBy: [{ recordedAt: 'asc' }, { id: 'asc' }],
      });
    }, (row) => row.profileId),
    /**
     * What the health score's wearables part is computed from (../score.ts): per patient and
     * metric, the mean of the daily averages in the window and the number of days, aggregated by
     * the database (a handful of rows per patient instead of every day of every metric); the same
     * aggregation as the part labs is sent (score-parts.ts).
     */
    scoreStats: relationLoader((ids) => scoreMeans(prisma, ids, scoreWindowStart(services.clock.now())), (row) => row.profileId),
    checkIns: relationLoader(
      (ids) => prisma.checkIn.findMany({ where: { profileId: { in: [...ids] } }, orderBy: [{ weekStart: 'desc' }] }),
      (row) => row.profileId,
    ),
    cgmConnections: relationLoader(
      (ids) => prisma.cgmConnection.findMany({ where: { profileId: { in: [...ids] } }, orderBy: [{ connectedAt: 'desc' }, { id: 'desc' }] }),
      (row) => row.profileId,
    ),
  };
}

export type WearablesLoaders = ReturnType<typeof createWearablesLoaders>;

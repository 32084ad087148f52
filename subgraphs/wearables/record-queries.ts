// A patient's wearable data by patient id (the FHIR API's Observation and Device searches):
// daily stats paged and filtered in SQL, and the connections. They take the patient id as an
// argument, not through Query.patient, so a caller allowed wearables but not the profile (a
// partner with patient/Observation.rs) can reach them.
import type { GraphQLResolveInfo } from 'graphql';
import type { WearableMetric } from '../../generated/prisma/client';
import { parseId } from '../../shared/graphql/errors';
import { inclusiveWindow } from '../../shared/graphql/windows';
import { connectionFromQuery, type PageArgs } from '../../shared/graphql/pagination';
import { wantsField } from '../../shared/graphql/selection';
import type { SubgraphContext } from '../../shared/server/context';
import type { WearablesLoaders } from './loaders';
import { wearablesData } from './data';

type Ctx = SubgraphContext<WearablesLoaders>;

/** Page size when the client names none. */
export const DEFAULT_STAT_PAGE_SIZE = 50;

export interface DailyStatArgs extends PageArgs {
  patientId: string;
  metrics?: WearableMetric[] | null;
  from?: Date | null;
  to?: Date | null;
  updatedFrom?: Date | null;
  updatedTo?: Date | null;
}

export function patientDailyStats(ctx: Ctx, args: DailyStatArgs, info: GraphQLResolveInfo) {
  const where = {
    profileId: parseId('patientId', args.patientId),
    ...(args.metrics ? { metric: { in: args.metrics } } : {}),
    day: inclusiveWindow('from', args.from, args.to),
    updatedAt: inclusiveWindow('updatedFrom', args.updatedFrom, args.updatedTo),
  };
  return connectionFromQuery(
    (window) => wearablesData(ctx.prisma).wearableDailyStat.findMany({ where, orderBy: [{ day: 'desc' }, { metric: 'asc' }, { id: 'asc' }], ...window }),
    wantsField(info, 'totalCount') ? () => wearablesData(ctx.prisma).wearableDailyStat.count({ where }) : null,
    args,
    DEFAULT_STAT_PAGE_SIZE,
  );
}

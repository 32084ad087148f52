// A patient's lab data by patient id, filtered in SQL: readings across results (FHIR
// Observation searches) and results (DiagnosticReport searches). They take the patient id as
// an argument, not through Query.patient, so a caller allowed lab results but not the profile
// (a partner with patient/Observation.rs) can reach them. Readings and results never change
// once stored: their last update is the result's createdAt.
import type { GraphQLResolveInfo } from 'graphql';
import { badUserInput, parseId } from '../../shared/graphql/errors';
import { inclusiveWindow } from '../../shared/graphql/windows';
import { connectionFromQuery, type PageArgs } from '../../shared/graphql/pagination';
import { wantsField } from '../../shared/graphql/selection';
import type { SubgraphContext } from '../../shared/server/context';
import { findBiomarker } from './catalog';
import type { LabsLoaders } from './loaders';
import { labsData } from './data';

type Ctx = SubgraphContext<LabsLoaders>;

/** Page size when the client names none. */
export const DEFAULT_RECORD_PAGE_SIZE = 50;

export interface ResultWindow {
  patientId: string;
  /** Collected at or after / at or before. */
  from?: Date | null;
  to?: Date | null;
  /** Stored at or after / at or before. */
  updatedFrom?: Date | null;
  updatedTo?: Date | null;
}

function resultWhere(args: ResultWindow) {
  return {
    profileId: parseId('patientId', args.patientId),
    collectedAt: inclusiveWindow('from', args.from, args.to),
    createdAt: inclusiveWindow('updatedFrom', args.updatedFrom, args.updatedTo),
  };
}

export function patientLabResults(ctx: Ctx, args: ResultWindow & PageArgs, info: GraphQLResolveInfo) {
  const where = resultWhere(args);
  return connectionFromQuery(
    (window) => labsData(ctx.prisma).labResult.findMany({ where, orderBy: [{ collectedAt: 'desc' }, { id: 'desc' }], ...window }),
    wantsField(info, 'totalCount') ? () => labsData(ctx.prisma).labResult.count({ where }) : null,
    args,
    DEFAULT_RECORD_PAGE_SIZE,
  );
}

export async function patientReadings(ctx: Ctx, args: ResultWindow & PageArgs & { codes?: string[] | null }, info: GraphQLResolveInfo) {
  const codes = args.codes?.map((code, i) => findBiomarker(code)?.code ?? badCode(i, code));
  const where = { labResult: resultWhere(args), ...(codes ? { code: { in: codes } } : {}) };
  const page = await connectionFromQuery(
    (window) =>
      labsData(ctx.prisma).biomarkerReading.findMany({
        where,
        include: { labResult: true },
        orderBy: [{ labResult: { collectedAt: 'desc' } }, { labResultId: 'desc' }, { position: 'asc' }, { id: 'asc' }],
        ...window,
      }),
    wantsField(info, 'totalCount') ? () => labsData(ctx.prisma).biomarkerReading.count({ where }) : null,
    args,
    DEFAULT_RECORD_PAGE_SIZE,
  );
  // The readings' results came with them: their fields resolve without another statement.
  for (const edge of page.edges) ctx.loaders.labResult.prime(edge.node.labResultId, edge.node.labResult);
  return page;
}

function badCode(index: number, code: string): never {
  throw badUserInput(`codes[${index}]`, `"${code}" is not in the biomarker catalog`);
}

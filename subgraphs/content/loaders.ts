// The content subgraph's per-request DataLoaders: catalog entities by id and the lists that hang off them, one query per batch.
import DataLoader from 'dataloader';
import type { LoaderDeps } from '../../shared/server/subgraph';
import { contentData } from './data';
import { isUuid } from '../../shared/graphql/errors';
import { BatchMeter } from '../../shared/graphql/loader-metrics';
import { entityLoader, relationLoader } from '../../shared/graphql/loaders';

/** Orders shared by the root lists and the relations that show the same rows. */
export const ORDER = {
  peptide: [{ name: 'asc' as const }, { id: 'asc' as const }],
  coa: [{ testedAt: 'desc' as const }, { id: 'desc' as const }],
  researchPaper: [{ year: 'desc' as const }, { title: 'asc' as const }, { id: 'asc' as const }],
  product: [{ name: 'asc' as const }, { id: 'asc' as const }],
};

/** Ids that reach SQL must be UUIDs (federation references are not validated by GraphQL). */
function uuids(ids: readonly string[]): string[] {
  return ids.filter(isUuid);
}

/**
 * Rows that belong to several parents through an id array column (research_papers.peptide_ids):
 * one `hasSome` statement for every parent asked in the tick, grouped here.
 */
function arrayRelationLoader<T>(fetch: (parentIds: string[]) => Promise<T[]>, parentsOf: (row: T) => readonly string[]) {
  const meter = new BatchMeter();
  return meter.attach(new DataLoader<string, T[]>(async (parentIds) => {
    meter.observe(parentIds.length);
    const groups = new Map<string, T[]>(parentIds.map((id) => [id, []]));
    const valid = uuids(parentIds);
    if (valid.length) {
      for (const row of await fetch(valid)) for (const parent of parentsOf(row)) groups.get(parent)?.push(row);
    }
    return parentIds.map((id) => groups.get(id) ?? []);
  }));
}

// Loaders return drafts too: whether a draft may be shown is the resolver's decision.
export function createContentLoaders({ prisma: client }: LoaderDeps) {
  const prisma = contentData(client);
  return {
    peptide: entityLoader(async (ids) => (uuids(ids).length ? prisma.peptide.findMany({ where: { id: { in: uuids(ids) } } }) : [])),
    media: entityLoader(async (ids) => (uuids(ids).length ? prisma.media.findMany({ where: { id: { in: uuids(ids) } } }) : [])),
    user: entityLoader(async (ids) => (uuids(ids).length ? prisma.user.findMany({ where: { id: { in: uuids(ids) } } }) : [])),
    coasByPeptide: relationLoader(
      (ids) => prisma.coa.findMany({ where: { peptideId: { in: uuids(ids) } }, orderBy: ORDER.coa }),
      (row) => row.peptideId,
    ),
    papersByPeptide: arrayRelationLoader(
      (ids) => prisma.researchPaper.findMany({ where: { peptideIds: { hasSome: ids } }, orderBy: ORDER.researchPaper }),
      (row) => row.peptideIds,
    ),
    dosingByPeptide: entityLoader(
      async (ids) => (uuids(ids).length ? prisma.peptideDosing.findMany({ where: { peptideId: { in: uuids(ids) } } }) : []),
      (row) => row.peptideId,
    ),
    contraindicationsByPeptide: relationLoader(
      (ids) => prisma.peptideContraindication.findMany({ where: { peptideId: { in: uuids(ids) } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
      (row) => row.peptideId,
    ),
    productsByPeptide: relationLoader(
      (ids) => prisma.product.findMany({ where: { peptideId: { in: uuids(ids) }, active: true }, orderBy: ORDER.product }),
      (row) => row.peptideId ?? '',
    ),
  };
}

export type ContentLoaders = ReturnType<typeof createContentLoaders>;

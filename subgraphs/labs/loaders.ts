import type { Prisma } from '../../shared/db/database';
import { labsData } from './data';
import { patientFactsLoader } from '../../shared/domain/patient-facts';
import type { DomainPorts } from '../../shared/server/subgraph';
import { entityLoader, filteredRelationLoader, relationLoader } from '../../shared/graphql/loaders';

export function createLabsLoaders(client: Prisma, ports: DomainPorts) {
  const prisma = labsData(client);
  return {
    labResult: entityLoader((ids) => prisma.labResult.findMany({ where: { id: { in: [...ids] } } })),
    /** One reading with the patient it belongs to (its result's). */
    reading: entityLoader(async (ids) =>
      (await prisma.biomarkerReading.findMany({ where: { id: { in: [...ids] } }, include: { labResult: { select: { profileId: true } } } })).map(
        ({ labResult, ...reading }) => ({ ...reading, profileId: labResult.profileId }),
      ),
    ),
    labResultsByPatient: relationLoader(
      (ids) =>
        prisma.labResult.findMany({
          where: { profileId: { in: [...ids] } },
          orderBy: [{ collectedAt: 'desc' }, { id: 'desc' }],
        }),
      (row) => row.profileId,
    ),
    readingsByResult: relationLoader(
      (ids) =>
        prisma.biomarkerReading.findMany({ where: { labResultId: { in: [...ids] } }, orderBy: [{ labResultId: 'asc' }, { position: 'asc' }] }),
      (row) => row.labResultId,
    ),
    history: filteredRelationLoader(
      async (ids, code: string) => {
        const readings = await prisma.biomarkerReading.findMany({
          where: { code, labResult: { profileId: { in: [...ids] } } },
          select: {
            value: true,
            unit: true,
            status: true,
            labResult: { select: { id: true, profileId: true, collectedAt: true } },
          },
        });
        return readings
          .map((r) => ({ ...r, profileId: r.labResult.profileId, labResultId: r.labResult.id, collectedAt: r.labResult.collectedAt }))
          .sort((a, b) => a.collectedAt.getTime() - b.collectedAt.getTime());
      },
      (row) => row.profileId,
    ),
    patientFacts: patientFactsLoader(ports.patientFacts),
  };
}

export type LabsLoaders = ReturnType<typeof createLabsLoaders>;

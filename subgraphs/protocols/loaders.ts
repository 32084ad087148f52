// The protocols subgraph's per-request DataLoaders: protocols, their items and stacks per patient, one query per batch.
import type { ProtocolStatus } from '../../generated/prisma/client';
import { protocolsData } from './data';
import { patientFactsLoader } from '../../shared/domain/patient-facts';
import type { LoaderDeps } from '../../shared/server/subgraph';
import { entityLoader, filteredRelationLoader, relationLoader } from '../../shared/graphql/loaders';
import { peptideRulesLoader, type ProtocolsServices } from './catalog';

export function createProtocolsLoaders({ prisma: client, ports, services }: LoaderDeps<ProtocolsServices>) {
  const prisma = protocolsData(client);
  return {
    protocol: entityLoader((ids) => prisma.protocol.findMany({ where: { id: { in: [...ids] } } })),
    protocolsByPatient: filteredRelationLoader(
      (ids, status: ProtocolStatus | null) =>
        prisma.protocol.findMany({
          where: { profileId: { in: [...ids] }, ...(status ? { status } : {}) },
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        }),
      (row) => row.profileId,
    ),
    itemsByProtocol: relationLoader(
      (ids) => prisma.protocolItem.findMany({ where: { protocolId: { in: [...ids] } }, orderBy: [{ position: 'asc' }, { id: 'asc' }] }),
      (row) => row.protocolId,
    ),
    stacksByPatient: relationLoader(
      (ids) => prisma.protocolStack.findMany({ where: { profileId: { in: [...ids] } }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
      (row) => row.profileId,
    ),
    itemsByStack: relationLoader(
      (ids) => prisma.protocolStackItem.findMany({ where: { stackId: { in: [...ids] } }, orderBy: [{ position: 'asc' }, { id: 'asc' }] }),
      (row) => row.stackId,
    ),
    stack: entityLoader((ids) => prisma.protocolStack.findMany({ where: { id: { in: [...ids] } } })),
    /** Whose protocol an item belongs to (for the RBAC check of item mutations). */
    itemOwner: entityLoader(async (ids) =>
      (
        await prisma.protocolItem.findMany({ where: { id: { in: [...ids] } }, select: { id: true, protocol: { select: { profileId: true } } } })
      ).map((item) => ({ id: item.id, profileId: item.protocol.profileId })),
    ),
    patientFacts: patientFactsLoader(ports.patientFacts),
    /** The catalog's clinical rules, read through the graph (catalog.ts). */
    peptideRules: peptideRulesLoader(services),
  };
}

export type ProtocolsLoaders = ReturnType<typeof createProtocolsLoaders>;

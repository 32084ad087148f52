// The protocols subgraph's per-request DataLoaders: protocols, their items and stacks per patient, one query per batch (the dashboard's reads past Prisma's model layer).
import type { Protocol, ProtocolItem, ProtocolStatus } from '../../generated/prisma/client';
import { withDays } from '../../shared/db/days';
import { protocolsData } from './data';
import { patientFactsLoader } from '../../shared/domain/patient-facts';
import type { LoaderDeps } from '../../shared/server/subgraph';
import { entityLoader, filteredRelationLoader, relationLoader } from '../../shared/graphql/loaders';
import { peptideRulesLoader, type ProtocolsServices } from './catalog';

export function createProtocolsLoaders({ prisma: client, ports, services, reads }: LoaderDeps<ProtocolsServices>) {
  const prisma = protocolsData(client);
  return {
    protocol: entityLoader((ids) => prisma.protocol.findMany({ where: { id: { in: [...ids] } } })),
    /** Each patient's protocols (of one status, or all), newest first, past Prisma's model layer (the dashboard lists fifty patients'). */
    protocolsByPatient: filteredRelationLoader(
      async (ids, status: ProtocolStatus | null) =>
        withDays(
          await reads<Protocol>(
            `SELECT id::text AS id, profile_id::text AS "profileId", name, goal, status::text AS status,
                    to_char(start_date, 'YYYY-MM-DD') AS "startDate", to_char(end_date, 'YYYY-MM-DD') AS "endDate",
                    notes, created_by AS "createdBy", created_at AS "createdAt", updated_at AS "updatedAt"
               FROM patient_graph.protocols
              WHERE profile_id = ANY($1::uuid[]) AND ($2::text IS NULL OR status::text = $2)
              ORDER BY created_at DESC, id DESC`,
            [[...ids], status],
          ),
          ['startDate', 'endDate'],
        ),
      (row) => row.profileId,
    ),
    /** Each protocol's items in order, past Prisma's model layer. */
    itemsByProtocol: relationLoader(
      (ids) =>
        reads<ProtocolItem>(
          `SELECT id::text AS id, protocol_id::text AS "protocolId", peptide_id::text AS "peptideId", dose_amount AS "doseAmount",
                  dose_unit AS "doseUnit", frequency, route, timing, duration_weeks AS "durationWeeks", notes, position,
                  created_at AS "createdAt", override_findings AS "overrideFindings", override_reason AS "overrideReason",
                  overridden_by AS "overriddenBy", overridden_at AS "overriddenAt"
             FROM patient_graph.protocol_items
            WHERE protocol_id = ANY($1::uuid[])
            ORDER BY position ASC, id ASC`,
          [[...ids]],
        ),
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

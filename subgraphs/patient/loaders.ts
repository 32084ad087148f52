// The patient subgraph's per-request DataLoaders: profiles, memberships, events, treatments, care alerts and FHIR exports, one query per batch (the patient list's reads past Prisma's model layer: profile-reads.ts).
import type { LoaderDeps } from '../../shared/server/subgraph';
import { patientData } from './data';
import { profileReads } from './profile-reads';
import { entityLoader, filteredRelationLoader, relationLoader } from '../../shared/graphql/loaders';
import type { PatientEventType } from '../../generated/prisma/client';

export function createPatientLoaders({ prisma: client, reads }: LoaderDeps) {
  const prisma = patientData(client);
  const profiles = profileReads(reads);
  return {
    /** The patient list's windows and count (not batched: one list per request). */
    profiles,
    profile: entityLoader(profiles.byIds),
    memberships: relationLoader(profiles.memberships, (row) => row.profileId),
    events: filteredRelationLoader(
      (ids, types: PatientEventType[] | null) =>
        prisma.patientEvent.findMany({
          where: { profileId: { in: [...ids] }, ...(types ? { type: { in: types } } : {}) },
          orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
        }),
      (row) => row.profileId,
    ),
    treatments: relationLoader(
      (ids) => prisma.patientTreatment.findMany({ where: { profileId: { in: [...ids] } }, orderBy: [{ startedAt: 'desc' }, { id: 'desc' }] }),
      (row) => row.profileId,
    ),
    careAlert: entityLoader((ids) => prisma.careAlert.findMany({ where: { id: { in: [...ids] } } })),
    careAlertsByPatient: relationLoader(
      (ids) => prisma.careAlert.findMany({ where: { profileId: { in: [...ids] } }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
      (row) => row.profileId,
    ),
    // Exports past their expiry are gone here already, even before the purge job deletes them.
    fhirExport: entityLoader((ids) => prisma.fhirExport.findMany({ where: { id: { in: [...ids] }, expiresAt: { gt: new Date() } } })),
    fhirExportFiles: relationLoader(
      (ids) => prisma.fhirExportFile.findMany({ where: { exportId: { in: [...ids] } }, omit: { ndjson: true }, orderBy: { position: 'asc' } }),
      (row) => row.exportId,
    ),
    fhirExportFile: entityLoader((ids) =>
      prisma.fhirExportFile.findMany({
        where: { id: { in: [...ids] }, export: { expiresAt: { gt: new Date() } } },
        include: { export: { select: { profileId: true, requestedBy: true, status: true } } },
      }),
    ),
    prescriptions: relationLoader(
      (ids) => prisma.patientPrescription.findMany({ where: { profileId: { in: [...ids] } }, orderBy: [{ prescribedAt: 'desc' }, { id: 'desc' }] }),
      (row) => row.profileId,
    ),
  };
}

export type PatientLoaders = ReturnType<typeof createPatientLoaders>;

import type { Prisma } from '../../shared/db/database';
import { entityLoader, filteredRelationLoader, relationLoader } from '../../shared/graphql/loaders';
import type { PatientEventType } from '../../generated/prisma/client';

export function createPatientLoaders(prisma: Prisma) {
  return {
    profile: entityLoader((ids) => prisma.customerProfile.findMany({ where: { id: { in: [...ids] } } })),
    memberships: relationLoader(
      (ids) => prisma.membership.findMany({ where: { profileId: { in: [...ids] } }, orderBy: [{ startedAt: 'desc' }, { id: 'desc' }] }),
      (row) => row.profileId,
    ),
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
    prescriptions: relationLoader(
      (ids) => prisma.patientPrescription.findMany({ where: { profileId: { in: [...ids] } }, orderBy: [{ prescribedAt: 'desc' }, { id: 'desc' }] }),
      (row) => row.profileId,
    ),
  };
}

export type PatientLoaders = ReturnType<typeof createPatientLoaders>;

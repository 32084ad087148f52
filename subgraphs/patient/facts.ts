// The patient facts other domains may read (shared/domain/patient-facts.ts): the patient
// subgraph owns customer_profiles, so the one query that serves them is written here, and the
// process wiring (bin/launch.ts) hands it to the other subgraphs as their patientFacts port.
import type { Prisma } from '../../shared/db/database';
import type { PatientFactsSource } from '../../shared/domain/patient-facts';

export function patientFactsSource(prisma: Prisma): PatientFactsSource {
  return (ids) =>
    prisma.customerProfile.findMany({
      where: { id: { in: [...ids] } },
      select: { id: true, sex: true, dateOfBirth: true, timezone: true, conditions: true, medications: true },
    });
}

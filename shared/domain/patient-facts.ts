// The few facts about a patient that other domains need to compute their own values
// (sex and age for reference ranges, the time zone for daily statistics, conditions and
// medications for a protocol's contraindication checks). They are read
// here, in one place, from the patient's table, instead of each subgraph reaching into
// it: the one sanctioned cross-owner read. Everything else about a patient goes
// through federation.
import type { Prisma } from '../db/database';
import { entityLoader } from '../graphql/loaders';

export interface PatientFacts {
  id: string;
  sex: 'FEMALE' | 'MALE';
  dateOfBirth: Date;
  timezone: string;
  conditions: string[];
  medications: string[];
}

export function patientFactsLoader(prisma: Prisma) {
  return entityLoader<PatientFacts>((ids) =>
    prisma.customerProfile.findMany({
      where: { id: { in: [...ids] } },
      select: { id: true, sex: true, dateOfBirth: true, timezone: true, conditions: true, medications: true },
    }),
  );
}

export function ageOn(dateOfBirth: Date, today = new Date()): number {
  const age = today.getUTCFullYear() - dateOfBirth.getUTCFullYear();
  const beforeBirthday =
    today.getUTCMonth() < dateOfBirth.getUTCMonth() ||
    (today.getUTCMonth() === dateOfBirth.getUTCMonth() && today.getUTCDate() < dateOfBirth.getUTCDate());
  return beforeBirthday ? age - 1 : age;
}

// The seeded sign-in identities: patient N (1-based) is profile uuidFor(`profile:N`) and
// signs in as Clerk user `user_seed_000N`. The token CLI and the tests use this to mint a
// customer token for a seeded patient without a database connection.
import { uuidFor } from './random';

export function seededUserId(index: number): string {
  return `user_seed_${String(index).padStart(4, '0')}`;
}

export function seededPatientId(index: number): string {
  return uuidFor(`profile:${index}`);
}

/** The seeded user id of a seeded patient, or null when the id is not a seeded patient's. */
export function seededUserIdFor(patientId: string, patients = 1000): string | null {
  for (let index = 1; index <= patients; index++) {
    if (seededPatientId(index) === patientId) return seededUserId(index);
  }
  return null;
}

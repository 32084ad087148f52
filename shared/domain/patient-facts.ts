// The few facts about a patient that other domains need to compute their own values
// (sex and age for reference ranges, the time zone for daily statistics, conditions and
// medications for a protocol's contraindication checks, and that the patient exists). The patient
// subgraph owns them and provides the reader (subgraphs/patient/facts.ts); the process wiring
// (bin/launch.ts) hands it to every subgraph as a port (DomainPorts), so no other subgraph, and
// nothing in shared/, queries the patient's table. Everything else about a patient goes through
// federation.
import { entityLoader } from '../graphql/loaders';

export interface PatientFacts {
  id: string;
  sex: 'FEMALE' | 'MALE';
  dateOfBirth: Date;
  timezone: string;
  conditions: string[];
  medications: string[];
}

/** Reads the facts of the patients with these ids (missing ids: no row), in one statement. */
export type PatientFactsSource = (ids: readonly string[]) => Promise<PatientFacts[]>;

/** A per-request (or per-job) DataLoader of patient facts over the patient subgraph's reader. */
export function patientFactsLoader(source: PatientFactsSource) {
  return entityLoader<PatientFacts>((ids) => source(ids));
}

export function ageOn(dateOfBirth: Date, today = new Date()): number {
  const age = today.getUTCFullYear() - dateOfBirth.getUTCFullYear();
  const beforeBirthday =
    today.getUTCMonth() < dateOfBirth.getUTCMonth() ||
    (today.getUTCMonth() === dateOfBirth.getUTCMonth() && today.getUTCDate() < dateOfBirth.getUTCDate());
  return beforeBirthday ? age - 1 : age;
}

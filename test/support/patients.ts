// Seeded patients picked by what their record holds (conditions, sex), from a range of
// indexes a test file owns, so files do not write to each other's patients.
import { seededPatientId } from './auth';
import { gql } from './graphql';

export interface SeededPatient {
  index: number;
  id: string;
  sex: 'FEMALE' | 'MALE';
  age: number;
  conditions: string[];
  medications: string[];
}

/** The seeded patients with index in [from, to], as admin reads them. */
export async function seededPatients(headers: Record<string, string>, from: number, to: number): Promise<SeededPatient[]> {
  const indexes = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const fields = indexes.map((index) => `p${index}: patient(id: "${seededPatientId(index)}") { id sex age conditions medications }`).join('\n');
  const response = await gql(`{ ${fields} }`, {}, { headers });
  if (response.errors?.length) throw new Error(JSON.stringify(response.errors));
  return indexes.map((index) => ({ index, ...response.data![`p${index}`] }));
}

// Tools about one patient take an optional patientId: staff roles name the patient, a patient's
// own token may leave it out and reads its own record (`me`). Either way the graph decides.
import { z } from 'zod';
import { GraphError } from '../graph';

export const patientIdInput = z
  .guid()
  .optional()
  .describe('The patient’s id (UUID). Leave it out to read the signed-in patient’s own record (a patient’s own token).');

export interface PatientOperation {
  operationName: string;
  query: string;
  variables: Record<string, unknown>;
}

/**
 * One query on a patient, aliased to `patient` whichever root field reads it. `selection` is
 * what to read of the Patient; `variables` declares further variables (`$name: Type`) with values.
 */
export function onPatient(
  operationName: string,
  selection: string,
  patientId: string | undefined,
  variables: Record<string, { type: string; value: unknown }> = {},
): PatientOperation {
  const declared = Object.entries(variables).map(([name, { type }]) => `$${name}: ${type}`);
  if (patientId) declared.unshift('$patientId: ID!');
  const root = patientId ? 'patient(id: $patientId)' : 'me';
  const values = Object.fromEntries(Object.entries(variables).map(([name, { value }]) => [name, value]));
  return {
    operationName,
    query: `query ${operationName}${declared.length ? `(${declared.join(', ')})` : ''} { patient: ${root} { id ${selection} } }`,
    variables: patientId ? { ...values, patientId } : values,
  };
}

/** The patient a query read; `me` is null for tokens without a patient record of their own. */
export function requirePatient<T>(patient: T | null | undefined, patientId: string | undefined): T {
  if (patient) return patient;
  if (!patientId) {
    throw new GraphError('BAD_USER_INPUT', 'patientId is required: this token has no patient record of its own (staff, provider and support tokens must name the patient).');
  }
  throw new GraphError('NOT_FOUND', `Patient ${patientId} was not found.`);
}

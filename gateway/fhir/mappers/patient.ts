// Patient: the profile as a US Core Patient (identifier, name, gender are required there).
import type { Patient } from '@medplum/fhirtypes';
import type { FhirPatientFieldsFragment } from '../../../clients/sdk';
import { PATIENT_ID_SYSTEM, US_CORE_PATIENT } from '../terminology';

export const patientReference = (id: string) => ({ reference: `Patient/${id}` });

export function toPatient(profile: FhirPatientFieldsFragment): Patient {
  return {
    resourceType: 'Patient',
    id: profile.id,
    meta: { lastUpdated: profile.updatedAt, profile: [US_CORE_PATIENT] },
    identifier: [{ use: 'usual', system: PATIENT_ID_SYSTEM, value: profile.id }],
    active: true,
    name: [{ use: 'official', family: profile.lastName, given: [profile.firstName] }],
    telecom: [
      { system: 'email', value: profile.email, use: 'home' },
      ...(profile.phone ? [{ system: 'phone' as const, value: profile.phone, use: 'mobile' as const }] : []),
    ],
    gender: profile.sex === 'MALE' ? 'male' : 'female',
    birthDate: profile.dateOfBirth,
  };
}

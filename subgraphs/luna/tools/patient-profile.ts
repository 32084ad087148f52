import { PATIENT_ID_PROPERTY, patientIdOf, type LunaTool } from './tool';

export const PATIENT_PROFILE_QUERY = `query LunaPatientProfile($id: ID!) {
  patient(id: $id) {
    id firstName age sex timezone conditions medications allergies heightCm weightKg
    membership { plan status }
  }
}`;

export interface PatientProfile {
  id: string;
  firstName: string;
  age: number;
  sex: string;
  timezone: string;
  conditions: string[];
  medications: string[];
  allergies: string[];
  heightCm: number | null;
  weightKg: number | null;
  membership: { plan: string; status: string } | null;
}

export const getPatientProfile: LunaTool = {
  name: 'getPatientProfile',
  description: "The patient's profile: first name, age, sex, time zone, conditions, medications, allergies, height, weight and membership.",
  inputSchema: { type: 'object', properties: { patientId: PATIENT_ID_PROPERTY }, additionalProperties: false },
  async run(input, context) {
    const data = await context.graph.request<{ patient: PatientProfile | null }>('LunaPatientProfile', PATIENT_PROFILE_QUERY, { id: patientIdOf(input, context) });
    return { patient: data.patient };
  },
};

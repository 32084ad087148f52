// The patient summary: who the patient is, their membership and latest health score. Contact
// details (email, phone) are left out on purpose: an agent needs the clinical picture, not them.
import { z } from 'zod';
import { defineTool, onPatient, patientIdInput } from './tool';

const SELECTION = `
  firstName lastName age sex dateOfBirth timezone conditions medications allergies heightCm weightKg
  membership { plan status currentPeriodEnd canceledAt }
  healthScore { score computedAt basedOnLabResultId components { name score weight detail } }`;

const profileSchema = z.object({
  id: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  age: z.number(),
  sex: z.string(),
  dateOfBirth: z.string(),
  timezone: z.string(),
  conditions: z.array(z.string()),
  medications: z.array(z.string()),
  allergies: z.array(z.string()),
  heightCm: z.number().nullable(),
  weightKg: z.number().nullable(),
});
const membershipSchema = z.object({ plan: z.string(), status: z.string(), currentPeriodEnd: z.string(), canceledAt: z.string().nullable() }).nullable();
const healthScoreSchema = z
  .object({
    score: z.number().describe('0-100'),
    computedAt: z.string(),
    basedOnLabResultId: z.string(),
    components: z.array(z.object({ name: z.string(), score: z.number(), weight: z.number(), detail: z.string().nullable() })),
  })
  .nullable()
  .describe('Null when the patient has no lab results yet.');

export type PatientProfile = z.infer<typeof profileSchema>;
type Membership = z.infer<typeof membershipSchema>;
type HealthScore = z.infer<typeof healthScoreSchema>;

export const patientSummary = defineTool({
  surfaces: { luna: { name: 'getPatientProfile', operation: 'LunaPatientProfile' }, mcp: { name: 'get_patient_summary', operation: 'McpPatientSummary' } },
  title: 'Patient summary',
  description:
    'A patient’s profile (name, age, sex, time zone, conditions, medications, allergies, height, weight), current membership and latest health score (0-100, with per-category components).',
  input: { patientId: patientIdInput },
  output: { patient: profileSchema, membership: membershipSchema, healthScore: healthScoreSchema },
  aboutPatient: true,
  operation: (_args, operationName, patientId) => onPatient(operationName, SELECTION, patientId),
  summarise({ membership, healthScore, ...patient }: PatientProfile & { membership: Membership; healthScore: HealthScore }) {
    return { structured: { patient, membership, healthScore }, text: describe(patient, membership, healthScore) };
  },
});

function describe(patient: PatientProfile, membership: Membership, score: HealthScore): string {
  const list = (items: string[]) => (items.length ? items.join(', ') : 'none recorded');
  const lines = [
    `${patient.firstName} ${patient.lastName} (${patient.id}): ${patient.age}, ${patient.sex.toLowerCase()}, born ${patient.dateOfBirth}, time zone ${patient.timezone}.`,
    `Conditions: ${list(patient.conditions)}. Medications: ${list(patient.medications)}. Allergies: ${list(patient.allergies)}.`,
    membership ? `Membership: ${membership.plan}, ${membership.status}, current period ends ${membership.currentPeriodEnd.slice(0, 10)}.` : 'Membership: none.',
  ];
  if (score) {
    const weakest = [...score.components].sort((a, b) => a.score - b.score).slice(0, 3);
    lines.push(`Health score: ${score.score}/100 (computed ${score.computedAt.slice(0, 10)}); lowest categories: ${weakest.map((c) => `${c.name} ${c.score}`).join(', ')}.`);
  } else {
    lines.push('Health score: none yet (no lab results).');
  }
  return lines.join('\n');
}

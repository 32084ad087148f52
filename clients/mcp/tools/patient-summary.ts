// get_patient_summary: who the patient is, their membership and latest health score. Contact
// details (email, phone) are left out on purpose: an agent needs the clinical picture, not them.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { answer } from '../results';
import { READ_ONLY, runTool, type ToolContext } from './context';
import { onPatient, patientIdInput, requirePatient } from './patient';

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

type Profile = z.infer<typeof profileSchema>;
type Membership = z.infer<typeof membershipSchema>;
type HealthScore = z.infer<typeof healthScoreSchema>;

const outputSchema = { patient: profileSchema, membership: membershipSchema, healthScore: healthScoreSchema };

export function registerPatientSummary(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'get_patient_summary',
    {
      title: 'Patient summary',
      description:
        'A patient’s profile (name, age, sex, conditions, medications, allergies), current membership and latest health score (0-100, with per-category components).',
      inputSchema: { patientId: patientIdInput },
      outputSchema,
      annotations: { ...READ_ONLY, title: 'Patient summary' },
    },
    ({ patientId }) =>
      runTool(ctx, 'get_patient_summary', async () => {
        const op = onPatient('McpPatientSummary', SELECTION, patientId);
        type Data = { patient: (Profile & { membership: Membership; healthScore: HealthScore }) | null };
        const { data, warnings } = await ctx.graph.execute<Data>(op.operationName, op.query, op.variables);
        const { membership, healthScore, ...patient } = requirePatient(data.patient, patientId);
        return answer({ text: describe(patient, membership, healthScore), structured: { patient, membership, healthScore }, warnings });
      }),
  );
}

function describe(patient: Profile, membership: Membership, score: HealthScore): string {
  const list = (items: string[]) => (items.length ? items.join(', ') : 'none recorded');
  const lines = [
    `${patient.firstName} ${patient.lastName} (${patient.id}): ${patient.age}, ${patient.sex.toLowerCase()}, born ${patient.dateOfBirth}, time zone ${patient.timezone}.`,
    `Conditions: ${list(patient.conditions)}. Medications: ${list(patient.medications)}. Allergies: ${list(patient.allergies)}.`,
    membership
      ? `Membership: ${membership.plan}, ${membership.status}, current period ends ${membership.currentPeriodEnd.slice(0, 10)}.`
      : 'Membership: none.',
  ];
  if (score) {
    const weakest = [...score.components].sort((a, b) => a.score - b.score).slice(0, 3);
    lines.push(
      `Health score: ${score.score}/100 (computed ${score.computedAt.slice(0, 10)}); lowest categories: ${weakest.map((c) => `${c.name} ${c.score}`).join(', ')}.`,
    );
  } else {
    lines.push('Health score: none yet (no lab results).');
  }
  return lines.join('\n');
}

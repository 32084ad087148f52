// Biomarker history: one biomarker's readings across the patient's lab results, for trends.
import { z } from 'zod';
import { defineTool, onPatient, patientIdInput } from './tool';

const SELECTION = 'biomarkerHistory(code: $code) { labResultId collectedAt value unit status }';

const point = z.object({ labResultId: z.string(), collectedAt: z.string(), value: z.number().nullable(), unit: z.string().nullable(), status: z.string() });
type Point = z.infer<typeof point>;

export const biomarkerHistory = defineTool({
  surfaces: { mcp: { name: 'get_biomarker_history', operation: 'McpBiomarkerHistory' } },
  title: 'Biomarker history',
  description:
    'One biomarker’s values over time across a patient’s lab results, oldest first, with each status. Codes come from the biomarker catalog (resource loop://biomarkers), e.g. LDL_C, HBA1C, TSH, VITAMIN_D_25OH.',
  input: {
    patientId: patientIdInput,
    code: z.string().min(1).max(64).describe('The biomarker’s catalog code, e.g. LDL_C (case does not matter).'),
  },
  output: { patientId: z.string(), code: z.string(), points: z.array(point).describe('Oldest first.') },
  aboutPatient: true,
  operation: ({ code }, operationName, patientId) => onPatient(operationName, SELECTION, patientId, { code: { type: 'String!', value: canonical(code) } }),
  summarise(patient: { id: string; biomarkerHistory: Point[] | null }, { code }) {
    const points = patient.biomarkerHistory ?? [];
    return { structured: { patientId: patient.id, code: canonical(code), points }, text: describe(canonical(code), points) };
  },
});

const canonical = (code: string) => code.trim().toUpperCase();

function describe(code: string, points: Point[]): string {
  if (!points.length) return `No ${code} readings.`;
  const lines = points.map((p) => `- ${p.collectedAt.slice(0, 10)}: ${p.value ?? 'no value'}${p.unit ? ` ${p.unit}` : ''}, ${p.status}`);
  const valued = points.filter((p) => p.value !== null);
  let change = '';
  if (valued.length >= 2) {
    const first = valued[0].value!;
    const last = valued[valued.length - 1].value!;
    const delta = Math.round((last - first) * 100) / 100;
    const percent = first !== 0 ? ` (${delta >= 0 ? '+' : ''}${Math.round((delta / Math.abs(first)) * 100)} %)` : '';
    change = `\nChange from first to latest: ${delta >= 0 ? '+' : ''}${delta}${valued[0].unit ? ` ${valued[0].unit}` : ''}${percent}.`;
  }
  return [`${code}: ${points.length} reading(s), oldest first.`, ...lines].join('\n') + change;
}

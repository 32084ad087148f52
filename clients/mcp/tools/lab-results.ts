// get_lab_results: the patient's most recent lab results with every reading and its status.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { answer } from '../results';
import { READ_ONLY, runTool, type ToolContext } from './context';
import { onPatient, patientIdInput, requirePatient } from './patient';

/** Statuses outside the reference range, for `outOfRangeOnly`. */
const OUT_OF_RANGE = ['CRITICAL_LOW', 'LOW', 'HIGH', 'CRITICAL_HIGH'];

const SELECTION = `
  labResults(first: $first) {
    totalCount
    edges { node {
      id collectedAt labName source
      readings(status: $status) { code name value unit status printedRange referenceRange { low high optimalLow optimalHigh } }
    } }
  }`;

const reading = z.object({
  code: z.string().nullable().describe('Catalog code; null when the test did not match the catalog.'),
  name: z.string(),
  value: z.number().nullable(),
  unit: z.string().nullable(),
  status: z.string().describe('CRITICAL_LOW, LOW, OPTIMAL, NORMAL, HIGH, CRITICAL_HIGH or UNKNOWN'),
  printedRange: z.string().nullable(),
  referenceRange: z
    .object({ low: z.number().nullable(), high: z.number().nullable(), optimalLow: z.number().nullable(), optimalHigh: z.number().nullable() })
    .nullable(),
});
type Reading = z.infer<typeof reading>;

const labResult = z.object({
  id: z.string(),
  collectedAt: z.string(),
  labName: z.string().nullable(),
  source: z.string(),
  readings: z.array(reading),
});
type LabResult = z.infer<typeof labResult>;

const outputSchema = {
  patientId: z.string(),
  totalCount: z.number().describe('How many lab results the patient has in all.'),
  results: z.array(labResult).describe('Most recently collected first.'),
};

export function registerLabResults(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'get_lab_results',
    {
      title: 'Lab results',
      description:
        'A patient’s most recent lab results, newest first: each biomarker reading with value, canonical unit, status (LOW, OPTIMAL, NORMAL, HIGH, …) and reference range.',
      inputSchema: {
        patientId: patientIdInput,
        count: z.int().min(1).max(10).default(1).describe('How many of the most recent results to return (1-10).'),
        outOfRangeOnly: z.boolean().default(false).describe('Keep only readings outside the reference range (low, high or critical).'),
      },
      outputSchema,
      annotations: { ...READ_ONLY, title: 'Lab results' },
    },
    ({ patientId, count, outOfRangeOnly }) =>
      runTool(ctx, 'get_lab_results', async () => {
        const op = onPatient('McpLabResults', SELECTION, patientId, {
          first: { type: 'Int!', value: count },
          status: { type: '[BiomarkerStatus!]', value: outOfRangeOnly ? OUT_OF_RANGE : null },
        });
        type Data = { patient: { id: string; labResults: { totalCount: number; edges: { node: LabResult }[] } | null } | null };
        const { data, warnings } = await ctx.graph.execute<Data>(op.operationName, op.query, op.variables);
        const patient = requirePatient(data.patient, patientId);
        const results = patient.labResults?.edges.map((edge) => edge.node) ?? [];
        const totalCount = patient.labResults?.totalCount ?? 0;
        return answer({
          text: describe(results, totalCount, outOfRangeOnly),
          structured: { patientId: patient.id, totalCount, results },
          warnings,
        });
      }),
  );
}

function describe(results: LabResult[], totalCount: number, outOfRangeOnly: boolean): string {
  if (!results.length) return 'No lab results.';
  const blocks = results.map((result) => {
    const heading = `Lab result of ${result.collectedAt.slice(0, 10)}${result.labName ? ` (${result.labName})` : ''}, id ${result.id}:`;
    const lines = result.readings.map((r) => `- ${describeReading(r)}`);
    if (!lines.length) lines.push(outOfRangeOnly ? '- every reading is within range' : '- no readings');
    return [heading, ...lines].join('\n');
  });
  return [`${results.length} of ${totalCount} lab result(s), newest first${outOfRangeOnly ? ', out-of-range readings only' : ''}.`, ...blocks].join('\n\n');
}

function describeReading(r: Reading): string {
  const value = r.value === null ? 'no value' : `${r.value}${r.unit ? ` ${r.unit}` : ''}`;
  return `${r.name}${r.code ? ` (${r.code})` : ''}: ${value}, ${r.status}${describeRange(r)}`;
}

function describeRange({ referenceRange: range, printedRange }: Reading): string {
  if (range?.low != null && range.high != null) return `, range ${range.low}–${range.high}`;
  if (range?.high != null) return `, range up to ${range.high}`;
  if (range?.low != null) return `, range from ${range.low}`;
  return printedRange ? `, printed range ${printedRange}` : '';
}

// Lab results: the patient's most recent results, every reading with its status and reference
// range; optionally only readings outside their range, or only some biomarkers.
import { z } from 'zod';
import { defineTool, onPatient, patientIdInput } from './tool';

/** Statuses outside the reference range, for `outOfRangeOnly` (the rest: OPTIMAL, NORMAL, UNKNOWN). */
export const OUT_OF_RANGE_STATUSES = ['CRITICAL_LOW', 'LOW', 'HIGH', 'CRITICAL_HIGH'] as const;

const SELECTION = `
  labResults(first: $first) {
    totalCount
    edges { node {
      id collectedAt labName
      readings(status: $status) { code name value unit status printedRange referenceRange { low high } biomarker { synonyms } }
    } }
  }`;

interface WireReading {
  code: string | null;
  name: string;
  value: number | null;
  unit: string | null;
  status: string;
  printedRange: string | null;
  referenceRange: { low: number | null; high: number | null } | null;
  biomarker: { synonyms: string[] } | null;
}
interface WireResult {
  id: string;
  collectedAt: string;
  labName: string | null;
  readings: WireReading[];
}

const reading = z.object({
  code: z.string().nullable().describe('Catalog code; null when the test did not match the catalog.'),
  name: z.string(),
  value: z.number().nullable(),
  unit: z.string().nullable(),
  status: z.string().describe('CRITICAL_LOW, LOW, OPTIMAL, NORMAL, HIGH, CRITICAL_HIGH or UNKNOWN'),
  range: z.string().nullable().describe('The reference range ("3.5-5.0", ">40", "<100"), else the range printed on the report.'),
});
export type Reading = z.infer<typeof reading>;

const labResult = z.object({ id: z.string(), collectedAt: z.string(), labName: z.string().nullable(), readings: z.array(reading) });
type LabResult = z.infer<typeof labResult>;

/** Does a filter term name this reading (its code, its name or a part of it, or a synonym)? */
export function readingMatches(reading: Pick<WireReading, 'code' | 'name' | 'biomarker'>, term: string): boolean {
  const wanted = term.toLowerCase().replace(/[\s_-]+/g, ' ').trim();
  const names = [reading.code ?? '', reading.name, ...(reading.biomarker?.synonyms ?? [])].map((name) => name.toLowerCase().replace(/[\s_-]+/g, ' '));
  return names.some((name) => name === wanted || (wanted.length >= 3 && name.includes(wanted)));
}

/** A reading's range in one short string: the reference range, else the printed one. */
export function rangeText({ referenceRange, printedRange }: Pick<WireReading, 'referenceRange' | 'printedRange'>): string | null {
  const { low, high } = referenceRange ?? {};
  if (low != null && high != null) return `${low}-${high}`;
  if (low != null) return `>${low}`;
  if (high != null) return `<${high}`;
  return printedRange ?? null;
}

export const labResults = defineTool({
  surfaces: { luna: { name: 'getLabResults', operation: 'LunaLabResults' }, mcp: { name: 'get_lab_results', operation: 'McpLabResults' } },
  title: 'Lab results',
  description:
    'A patient’s most recent lab results, newest first: each biomarker reading with value, canonical unit, status (OPTIMAL, NORMAL, LOW, HIGH, CRITICAL_LOW, CRITICAL_HIGH) and reference range. Filter by biomarker names or codes (e.g. "LDL", "vitamin D", "HBA1C"), or keep only values outside their range.',
  input: {
    patientId: patientIdInput,
    count: z.int().min(1).max(10).default(1).describe('How many of the most recent results to return (1-10).'),
    outOfRangeOnly: z.boolean().default(false).describe('Keep only readings outside the reference range (low, high or critical).'),
    biomarkers: z.array(z.string().max(100)).max(20).optional().describe('Biomarker names or codes to keep; all when left out.'),
  },
  output: {
    patientId: z.string(),
    totalCount: z.number().describe('How many lab results the patient has in all.'),
    results: z.array(labResult).describe('Most recently collected first.'),
    notFound: z.array(z.string()).describe('Biomarkers asked for that no reading matched.'),
  },
  aboutPatient: true,
  operation: ({ count, outOfRangeOnly }, operationName, patientId) =>
    onPatient(operationName, SELECTION, patientId, {
      first: { type: 'Int!', value: count },
      status: { type: '[BiomarkerStatus!]', value: outOfRangeOnly ? OUT_OF_RANGE_STATUSES : null },
    }),
  summarise(patient: { id: string; labResults: { totalCount: number; edges: { node: WireResult }[] } | null }, { outOfRangeOnly, biomarkers }) {
    const terms = (biomarkers ?? []).map((term) => term.trim()).filter(Boolean);
    const matched = new Set<string>();
    const keep = (wire: WireReading) => {
      if (!terms.length) return true;
      const hits = terms.filter((term) => readingMatches(wire, term));
      hits.forEach((term) => matched.add(term));
      return hits.length > 0;
    };
    const results: LabResult[] = (patient.labResults?.edges ?? []).map(({ node }) => ({
      id: node.id,
      collectedAt: node.collectedAt,
      labName: node.labName,
      readings: node.readings.filter(keep).map((wire) => ({ code: wire.code, name: wire.name, value: wire.value, unit: wire.unit, status: wire.status, range: rangeText(wire) })),
    }));
    const totalCount = patient.labResults?.totalCount ?? 0;
    const notFound = terms.filter((term) => !matched.has(term));
    return { structured: { patientId: patient.id, totalCount, results, notFound }, text: describe(results, totalCount, outOfRangeOnly, notFound) };
  },
});

function describe(results: LabResult[], totalCount: number, outOfRangeOnly: boolean, notFound: string[]): string {
  if (!results.length) return 'No lab results.';
  const blocks = results.map((result) => {
    const heading = `Lab result of ${result.collectedAt.slice(0, 10)}${result.labName ? ` (${result.labName})` : ''}, id ${result.id}:`;
    const lines = result.readings.map((r) => `- ${describeReading(r)}`);
    if (!lines.length) lines.push(outOfRangeOnly ? '- every reading is within range' : '- no readings');
    return [heading, ...lines].join('\n');
  });
  const missing = notFound.length ? `\n\nNo reading matched: ${notFound.join(', ')}.` : '';
  return [`${results.length} of ${totalCount} lab result(s), newest first${outOfRangeOnly ? ', out-of-range readings only' : ''}.`, ...blocks].join('\n\n') + missing;
}

function describeReading(r: Reading): string {
  const value = r.value === null ? 'no value' : `${r.value}${r.unit ? ` ${r.unit}` : ''}`;
  return `${r.name}${r.code ? ` (${r.code})` : ''}: ${value}, ${r.status}${r.range ? `, range ${r.range}` : ''}`;
}

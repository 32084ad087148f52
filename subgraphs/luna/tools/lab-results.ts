import { optionalInt, optionalStrings, PATIENT_ID_PROPERTY, patientIdOf, type LunaTool } from './tool';

const QUERY = `query LunaLabResults($id: ID!, $first: Int!) {
  patient(id: $id) {
    labResults(first: $first) {
      totalCount
      edges { node { id collectedAt labName readings { code name value unit status referenceRange { low high } biomarker { synonyms } } } }
    }
  }
}`;

interface Reading {
  code: string | null;
  name: string;
  value: number | null;
  unit: string | null;
  status: string;
  referenceRange: { low: number | null; high: number | null } | null;
  biomarker: { synonyms: string[] } | null;
}

interface Result {
  id: string;
  collectedAt: string;
  labName: string | null;
  readings: Reading[];
}

const IN_RANGE = new Set(['OPTIMAL', 'NORMAL', 'UNKNOWN']);

/** Does a filter term name this reading (its code, a word of its name, or a synonym)? */
export function readingMatches(reading: Reading, term: string): boolean {
  const wanted = term.toLowerCase().replace(/[\s_-]+/g, ' ').trim();
  const names = [reading.code ?? '', reading.name, ...(reading.biomarker?.synonyms ?? [])].map((name) => name.toLowerCase().replace(/[\s_-]+/g, ' '));
  return names.some((name) => name === wanted || (wanted.length >= 3 && name.includes(wanted)));
}

function range(reading: Reading): string | null {
  const { low, high } = reading.referenceRange ?? {};
  if (low != null && high != null) return `${low}-${high}`;
  if (low != null) return `>${low}`;
  if (high != null) return `<${high}`;
  return null;
}

export const getLabResults: LunaTool = {
  name: 'getLabResults',
  description:
    "The patient's lab results, most recent first, with each biomarker's value, unit, status (OPTIMAL, NORMAL, LOW, HIGH, CRITICAL_LOW, CRITICAL_HIGH) and reference range. Filter by biomarker names or codes (e.g. \"LDL\", \"vitamin D\", \"HBA1C\"), or keep only values outside their range.",
  inputSchema: {
    type: 'object',
    properties: {
      patientId: PATIENT_ID_PROPERTY,
      biomarkers: { type: 'array', items: { type: 'string' }, description: 'Biomarker names or codes to keep; all when left out.' },
      outOfRangeOnly: { type: 'boolean', description: 'Keep only values outside their reference range.' },
      results: { type: 'integer', minimum: 1, maximum: 5, description: 'How many of the most recent results (default 1).' },
    },
    additionalProperties: false,
  },
  async run(input, context) {
    const terms = optionalStrings(input, 'biomarkers');
    const outOfRangeOnly = input.outOfRangeOnly === true;
    const data = await context.graph.request<{ patient: { labResults: { totalCount: number; edges: { node: Result }[] } | null } | null }>('LunaLabResults', QUERY, {
      id: patientIdOf(input, context),
      first: optionalInt(input, 'results', 1, 5, 1),
    });
    const connection = data.patient?.labResults;
    if (!connection) return { totalResults: 0, results: [] };
    const matched = new Set<string>();
    const results = connection.edges.map(({ node }) => ({
      collectedAt: node.collectedAt,
      labName: node.labName,
      readings: node.readings
        .filter((reading) => {
          if (outOfRangeOnly && IN_RANGE.has(reading.status)) return false;
          if (!terms.length) return true;
          const hits = terms.filter((term) => readingMatches(reading, term));
          hits.forEach((term) => matched.add(term));
          return hits.length > 0;
        })
        .map((reading) => ({ code: reading.code, name: reading.name, value: reading.value, unit: reading.unit, status: reading.status, range: range(reading) })),
    }));
    return { totalResults: connection.totalCount, results, notFound: terms.filter((term) => !matched.has(term)) };
  },
};

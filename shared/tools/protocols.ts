// Protocols: the patient's peptide protocols with each item's dose as prescribed. A dose with an
// unresolved clinical finding (or that could not be checked) never reaches an agent: it could
// only repeat it; the item says it is under review instead.
import { z } from 'zod';
import { defineTool, onPatient, patientIdInput } from './tool';

/** The graph's ProtocolStatus (a test checks these against the supergraph). */
export const PROTOCOL_STATUSES = ['DRAFT', 'ACTIVE', 'PAUSED', 'COMPLETED'] as const;

const SELECTION = `
  protocols(status: $status) {
    id name goal status startDate endDate notes
    items { doseAmount doseUnit frequency route timing durationWeeks peptide { name slug } findings(unresolvedOnly: true) { rule } }
  }`;

const item = z.object({
  doseAmount: z.number().nullable().describe('Null when withheld (see doseWithheld).'),
  doseUnit: z.string().nullable(),
  frequency: z.string(),
  route: z.string(),
  timing: z.string().nullable(),
  durationWeeks: z.number().nullable(),
  peptide: z.object({ name: z.string(), slug: z.string() }).nullable().describe('Null when no longer in the catalog.'),
  doseWithheld: z.string().optional().describe('Why the dose is left out: under review by the care team.'),
});
export type ProtocolItem = z.infer<typeof item>;
const protocol = z.object({
  id: z.string(),
  name: z.string(),
  goal: z.string().nullable(),
  status: z.string(),
  startDate: z.string().nullable(),
  endDate: z.string().nullable(),
  notes: z.string().nullable(),
  items: z.array(item),
});
type Protocol = z.infer<typeof protocol>;
type WireItem = Omit<ProtocolItem, 'doseWithheld'> & { findings: { rule: string }[] | null };

/** An item as an agent may see it: its dose left out while a finding is unresolved or could not be checked. */
export function withheld({ findings, ...item }: WireItem): ProtocolItem {
  if (findings && !findings.length) return item;
  const why = findings ? findings.map((finding) => finding.rule).join(', ') : 'the catalog could not be checked';
  return { ...item, doseAmount: null, doseUnit: null, doseWithheld: `under review by the care team (${why}): do not state or suggest a dose` };
}

export const protocols = defineTool({
  surfaces: { luna: { name: 'getProtocols', operation: 'LunaProtocols' }, mcp: { name: 'list_protocols', operation: 'McpProtocols' } },
  title: 'Protocols',
  description: 'A patient’s peptide protocols, newest first: name, goal, status, dates and each item’s peptide, dose, frequency, route and timing as the clinician prescribed them.',
  input: {
    patientId: patientIdInput,
    status: z.enum(PROTOCOL_STATUSES).optional().describe('Keep only protocols with this status; all of them when left out.'),
  },
  output: { patientId: z.string(), protocols: z.array(protocol).describe('Newest first.') },
  aboutPatient: true,
  operation: ({ status }, operationName, patientId) => onPatient(operationName, SELECTION, patientId, { status: { type: 'ProtocolStatus', value: status ?? null } }),
  summarise(patient: { id: string; protocols: (Omit<Protocol, 'items'> & { items: WireItem[] })[] | null }, { status }) {
    const found = (patient.protocols ?? []).map((p) => ({ ...p, items: p.items.map(withheld) }));
    return { structured: { patientId: patient.id, protocols: found }, text: describe(found, status) };
  },
});

function describe(found: Protocol[], status: string | undefined): string {
  if (!found.length) return status ? `No ${status} protocols.` : 'No protocols.';
  const dose = (i: ProtocolItem) => (i.doseAmount === null ? ` (dose ${i.doseWithheld})` : ` ${i.doseAmount} ${i.doseUnit}`);
  return found
    .map((p) => {
      const dates = p.startDate ? `, from ${p.startDate}${p.endDate ? ` to ${p.endDate}` : ''}` : '';
      const heading = `${p.name} (${p.status}${dates})${p.goal ? `: ${p.goal}` : ''}`;
      const items = p.items.map(
        (i) => `- ${i.peptide?.name ?? 'a peptide no longer in the catalog'}${dose(i)}, ${i.frequency}, ${i.route}${i.timing ? `, ${i.timing}` : ''}${i.durationWeeks ? `, ${i.durationWeeks} weeks` : ''}`,
      );
      return [heading, ...(items.length ? items : ['- no items'])].join('\n');
    })
    .join('\n\n');
}

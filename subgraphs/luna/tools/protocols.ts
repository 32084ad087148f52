import { optionalEnum, PATIENT_ID_PROPERTY, patientIdOf, type LunaTool } from './tool';

const STATUSES = ['DRAFT', 'ACTIVE', 'PAUSED', 'COMPLETED'] as const;

export const PROTOCOLS_QUERY = `query LunaProtocols($id: ID!, $status: ProtocolStatus) {
  patient(id: $id) {
    protocols(status: $status) {
      name goal status startDate endDate
      items { doseAmount doseUnit frequency route timing durationWeeks peptide { name slug } findings(unresolvedOnly: true) { rule } }
    }
  }
}`;

export interface ProtocolItem {
  /** Null when withheld: the item has a clinical finding no provider has overridden. */
  doseAmount: number | null;
  doseUnit: string | null;
  frequency: string;
  route: string;
  timing: string | null;
  durationWeeks: number | null;
  peptide: { name: string; slug: string } | null;
  findings?: { rule: string }[] | null;
  doseWithheld?: string;
}

/** A dose with an unresolved clinical finding (or that could not be checked) never reaches the model: it could only repeat it. */
function withheld(item: ProtocolItem): ProtocolItem {
  const { findings, ...rest } = item;
  if (findings && !findings.length) return rest;
  const why = findings ? findings.map((finding) => finding.rule).join(', ') : 'the catalog could not be checked';
  return { ...rest, doseAmount: null, doseUnit: null, doseWithheld: `under review by the care team (${why}): do not state or suggest a dose` };
}

export interface Protocol {
  name: string;
  goal: string | null;
  status: string;
  startDate: string | null;
  endDate: string | null;
  items: ProtocolItem[];
}

export const getProtocols: LunaTool = {
  name: 'getProtocols',
  description: "The patient's peptide protocols, newest first: name, goal, status, dates, and each item's peptide, dose, frequency, route and timing as the clinician prescribed them.",
  inputSchema: {
    type: 'object',
    properties: {
      patientId: PATIENT_ID_PROPERTY,
      status: { type: 'string', enum: [...STATUSES], description: 'Only protocols with this status (default: all).' },
    },
    additionalProperties: false,
  },
  async run(input, context) {
    const data = await context.graph.request<{ patient: { protocols: Protocol[] | null } | null }>('LunaProtocols', PROTOCOLS_QUERY, {
      id: patientIdOf(input, context),
      status: optionalEnum(input, 'status', STATUSES),
    });
    return { protocols: (data.patient?.protocols ?? []).map((protocol) => ({ ...protocol, items: protocol.items.map(withheld) })) };
  },
};

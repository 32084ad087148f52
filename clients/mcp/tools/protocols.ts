// list_protocols: the patient's peptide protocols with their items (peptide, dose, frequency).
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { answer } from '../results';
import { READ_ONLY, runTool, type ToolContext } from './context';
import { onPatient, patientIdInput, requirePatient } from './patient';

/** The graph's ProtocolStatus (the test checks these against the supergraph). */
export const PROTOCOL_STATUSES = ['DRAFT', 'ACTIVE', 'PAUSED', 'COMPLETED'] as const;

const SELECTION = `
  protocols(status: $status) {
    id name goal status startDate endDate notes
    items { doseAmount doseUnit frequency route timing durationWeeks peptide { name slug } }
  }`;

const item = z.object({
  doseAmount: z.number(),
  doseUnit: z.string(),
  frequency: z.string(),
  route: z.string(),
  timing: z.string().nullable(),
  durationWeeks: z.number().nullable(),
  peptide: z.object({ name: z.string(), slug: z.string() }).nullable().describe('Null when no longer in the catalog.'),
});
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

const outputSchema = { patientId: z.string(), protocols: z.array(protocol).describe('Newest first.') };

export function registerProtocols(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'list_protocols',
    {
      title: 'Protocols',
      description: 'A patient’s peptide protocols, newest first: name, goal, status, dates and each item’s peptide, dose, frequency, route and timing.',
      inputSchema: {
        patientId: patientIdInput,
        status: z.enum(PROTOCOL_STATUSES).optional().describe('Keep only protocols with this status; all of them when left out.'),
      },
      outputSchema,
      annotations: { ...READ_ONLY, title: 'Protocols' },
    },
    ({ patientId, status }) =>
      runTool(ctx, 'list_protocols', async () => {
        const op = onPatient('McpProtocols', SELECTION, patientId, { status: { type: 'ProtocolStatus', value: status ?? null } });
        type Data = { patient: { id: string; protocols: Protocol[] | null } | null };
        const { data, warnings } = await ctx.graph.execute<Data>(op.operationName, op.query, op.variables);
        const patient = requirePatient(data.patient, patientId);
        const protocols = patient.protocols ?? [];
        return answer({ text: describe(protocols, status), structured: { patientId: patient.id, protocols }, warnings });
      }),
  );
}

function describe(protocols: Protocol[], status: string | undefined): string {
  if (!protocols.length) return status ? `No ${status} protocols.` : 'No protocols.';
  return protocols
    .map((p) => {
      const dates = p.startDate ? `, from ${p.startDate}${p.endDate ? ` to ${p.endDate}` : ''}` : '';
      const heading = `${p.name} (${p.status}${dates})${p.goal ? `: ${p.goal}` : ''}`;
      const items = p.items.map(
        (i) => `- ${i.peptide?.name ?? 'a peptide no longer in the catalog'} ${i.doseAmount} ${i.doseUnit}, ${i.frequency}, ${i.route}${i.timing ? `, ${i.timing}` : ''}${i.durationWeeks ? `, ${i.durationWeeks} weeks` : ''}`,
      );
      return [heading, ...(items.length ? items : ['- no items'])].join('\n');
    })
    .join('\n\n');
}

// What a Luna tool is: a catalogue tool (shared/tools) offered to the model as a JSON-schema'd
// function, run as a GraphQL operation against the supergraph with the user's token. Luna's
// own policy is which patient a call may read: only the conversation's.
import { z } from 'zod';
import type { ToolSpec } from '../model/provider';
import type { GraphClient } from '../../../shared/graphql/gateway-client';
import { parseArguments, runCatalogueTool, ToolError, type AnyToolDefinition, type SurfaceNames, type ToolGraph } from '../../../shared/tools/tool';

export interface ToolContext {
  graph: GraphClient;
  /** The patient the conversation is about: the default of every patientId argument. */
  patientId: string;
}

export interface LunaTool extends ToolSpec {
  /** A result the model reads (compact JSON); throws ToolInputError, ToolForbiddenError, ToolError or GraphRequestError. */
  run(input: Record<string, unknown>, context: ToolContext): Promise<unknown>;
}

/** The model's arguments do not fit the tool's schema. */
export class ToolInputError extends Error {
  readonly code = 'BAD_USER_INPUT';
}

/** The model asked for data outside the conversation's patient. */
export class ToolForbiddenError extends Error {
  readonly code = 'FORBIDDEN';
}

const PATIENT_ID_DESCRIPTION = "The patient's id. Leave it out: tools read only the patient this conversation is about.";

/**
 * The conversation's patient. Tools never follow the model to another id, whatever the user's
 * token could read: otherwise instructions planted in a conversation (or a lab report) could
 * make a staff member's turn copy one patient's data into another patient's conversation.
 */
export function patientIdOf(input: Record<string, unknown>, context: ToolContext): string {
  const value = input.patientId;
  if (value === undefined || value === null || value === '') return context.patientId;
  if (typeof value !== 'string') throw new ToolInputError('patientId must be a string');
  if (value.trim().toLowerCase() !== context.patientId.toLowerCase()) {
    throw new ToolForbiddenError('Luna reads only the data of the patient this conversation is about');
  }
  return context.patientId;
}

/** Luna's gateway client as the catalogue's graph (it keeps partial answers, and throws on a denial). */
const asToolGraph = (graph: GraphClient): ToolGraph => ({
  execute: async <T>(operationName: string, query: string, variables?: Record<string, unknown>) => ({ data: await graph.request<T>(operationName, query, variables), warnings: [] }),
});

/** The JSON schema the model reads: the catalogue's input, its patientId described for a conversation. */
function inputSchemaOf(tool: AnyToolDefinition): Record<string, unknown> {
  const { $schema: _, ...schema } = z.toJSONSchema(z.object(tool.input), { io: 'input' }) as Record<string, unknown> & { properties?: Record<string, Record<string, unknown>> };
  if (schema.properties?.patientId) schema.properties.patientId = { type: 'string', description: PATIENT_ID_DESCRIPTION };
  return schema;
}

/** A catalogue tool as Luna offers it. */
export function lunaTool(tool: AnyToolDefinition, names: SurfaceNames): LunaTool {
  return {
    name: names.name,
    description: tool.description,
    inputSchema: inputSchemaOf(tool),
    async run(input, context) {
      const patientId = tool.aboutPatient ? patientIdOf(input, context) : undefined;
      const { patientId: _asked, ...rest } = input;
      let args: Record<string, unknown>;
      try {
        args = parseArguments(tool, rest);
      } catch (error) {
        throw error instanceof ToolError ? new ToolInputError(error.message) : error;
      }
      const { structured } = await runCatalogueTool(tool, 'luna', args, asToolGraph(context.graph), patientId);
      return structured;
    },
  };
}

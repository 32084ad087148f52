// What a tool of the catalogue is: one read of the graph an AI agent may ask for, defined once
// (its names, description, input schema, the GraphQL operation it runs, and how its answer is
// summarised) and offered by two surfaces: Luna's model (subgraphs/luna/tools) and the MCP
// server (clients/mcp). A surface adds only its own policy: which patient a call may read, and
// how the summary is handed over (JSON for Luna's model, text plus structured content for MCP).
import { z } from 'zod';

/** The two surfaces that offer catalogue tools. */
export type ToolSurface = 'luna' | 'mcp';

/** A tool's name on one surface and the GraphQL operation name its calls carry (audit trail, metrics). */
export interface SurfaceNames {
  name: string;
  operation: string;
}

/** A failure a tool reports with one of the contract's codes (BAD_USER_INPUT, NOT_FOUND, …). */
export class ToolError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** Seconds to wait before retrying, for RATE_LIMITED. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ToolError';
  }
}

/** The graph as a tool sees it: one named operation, its data and the parts it could not deliver. */
export interface ToolGraph {
  execute<T>(operationName: string, query: string, variables?: Record<string, unknown>): Promise<{ data: T; warnings: string[] }>;
}

/** One GraphQL operation, ready to send. */
export interface GraphOperation {
  operationName: string;
  query: string;
  variables: Record<string, unknown>;
}

/** What a tool answers: structured content (what Luna's model reads as JSON) and its description in words. */
export interface ToolSummary<S extends Record<string, unknown> = Record<string, unknown>> {
  structured: S;
  text: string;
}

export interface ToolDefinition<Shape extends z.ZodRawShape = z.ZodRawShape, Data = any, S extends Record<string, unknown> = Record<string, unknown>> {
  /** Its name and operation name on each surface that offers it (both are published: stored conversations, agent configurations and audit rows carry them). */
  surfaces: Partial<Record<ToolSurface, SurfaceNames>>;
  title: string;
  description: string;
  /** The arguments, with their limits and defaults. */
  input: Shape;
  /** The structured content's schema. */
  output: z.ZodRawShape;
  /** Whether the tool reads one patient (a `patientId` argument; left out: the caller's own record). */
  aboutPatient: boolean;
  /** The operation a call runs, under `operationName`, for `patientId` (undefined: `me`). */
  operation(args: z.output<z.ZodObject<Shape>>, operationName: string, patientId: string | undefined): GraphOperation;
  /** The answer, from the operation's data (a patient tool: the patient, found). */
  summarise(data: Data, args: z.output<z.ZodObject<Shape>>): ToolSummary<S>;
}

/** Any tool of the catalogue, whatever its shapes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyToolDefinition = ToolDefinition<any, any, any>;

/** Declares a tool (typed by its input shape). */
export const defineTool = <Shape extends z.ZodRawShape, Data, S extends Record<string, unknown>>(tool: ToolDefinition<Shape, Data, S>): ToolDefinition<Shape, Data, S> => tool;

export const patientIdInput = z
  .guid()
  .optional()
  .describe('The patient’s id (UUID). Leave it out to read the signed-in patient’s own record (a patient’s own token).');

/**
 * One query on a patient, aliased to `patient` whichever root field reads it. `selection` is
 * what to read of the Patient; `variables` declares further variables (`$name: Type`) with values.
 */
export function onPatient(
  operationName: string,
  selection: string,
  patientId: string | undefined,
  variables: Record<string, { type: string; value: unknown }> = {},
): GraphOperation {
  const declared = Object.entries(variables).map(([name, { type }]) => `$${name}: ${type}`);
  if (patientId) declared.unshift('$patientId: ID!');
  const root = patientId ? 'patient(id: $patientId)' : 'me';
  const values = Object.fromEntries(Object.entries(variables).map(([name, { value }]) => [name, value]));
  return {
    operationName,
    query: `query ${operationName}${declared.length ? `(${declared.join(', ')})` : ''} { patient: ${root} { id ${selection} } }`,
    variables: patientId ? { ...values, patientId } : values,
  };
}

/** The patient a query read; `me` is null for tokens without a patient record of their own. */
export function requirePatient<T>(patient: T | null | undefined, patientId: string | undefined): T {
  if (patient) return patient;
  if (!patientId) {
    throw new ToolError('BAD_USER_INPUT', 'patientId is required: this token has no patient record of its own (staff, provider and support tokens must name the patient).');
  }
  throw new ToolError('NOT_FOUND', `Patient ${patientId} was not found.`);
}

/** Arguments as the tool's schema reads them (defaults filled in); a mismatch is a BAD_USER_INPUT ToolError naming the field. */
export function parseArguments<Shape extends z.ZodRawShape>(tool: ToolDefinition<Shape>, input: unknown): z.output<z.ZodObject<Shape>> {
  const parsed = z.object(tool.input).safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ToolError('BAD_USER_INPUT', `${issue.path.join('.') || 'arguments'}: ${issue.message}`);
}

/**
 * Runs a tool on a surface: its operation through `graph`, then its summary. `patientId` is the
 * patient the surface allows (undefined: the caller's own record). Errors: ToolError, or whatever
 * the graph client throws.
 */
export async function runCatalogueTool(
  tool: AnyToolDefinition,
  surface: ToolSurface,
  args: Record<string, unknown>,
  graph: ToolGraph,
  patientId: string | undefined,
): Promise<ToolSummary & { warnings: string[] }> {
  const names = tool.surfaces[surface];
  if (!names) throw new ToolError('BAD_USER_INPUT', `${tool.title} is not offered on ${surface}`);
  const operation = tool.operation(args, names.operation, patientId);
  const { data, warnings } = await graph.execute<Record<string, unknown>>(operation.operationName, operation.query, operation.variables);
  const read = tool.aboutPatient ? requirePatient(data.patient, patientId) : data;
  return { ...tool.summarise(read, args), warnings };
}

// The tools Luna may call, and running one: timed, its result shaped for the model and its
// size measured. A failure (a denial, bad arguments, the graph down) is a result too: the
// model reads it as an error and answers without the data.
import { GraphRequestError } from '../../../shared/graphql/gateway-client';
import { toolsOf } from '../../../shared/tools/catalogue';
import { ToolError } from '../../../shared/tools/tool';
import { lunaTool, ToolForbiddenError, ToolInputError, type LunaTool, type ToolContext } from './tool';

/** The catalogue's tools Luna offers (shared/tools/catalogue.ts), by their names for the model. */
export const LUNA_TOOLS: readonly LunaTool[] = toolsOf('luna').map(({ tool, names }) => lunaTool(tool, names));

/** Longest tool result handed to the model, in characters (the rest is cut, and says so). */
export const MAX_TOOL_RESULT_CHARS = 8_000;

export interface ToolOutcome {
  /** What the model reads. */
  content: string;
  ok: boolean;
  /** `CODE: message` when the call failed. */
  error: string | null;
  durationMs: number;
}

export async function runTool(name: string, input: Record<string, unknown>, context: ToolContext): Promise<ToolOutcome> {
  const started = performance.now();
  const tool = LUNA_TOOLS.find((candidate) => candidate.name === name);
  const finish = (content: string, error: string | null): ToolOutcome => ({ content, ok: error === null, error, durationMs: Math.round(performance.now() - started) });
  if (!tool) return finish(`Error: there is no tool named ${name}`, `BAD_USER_INPUT: unknown tool ${name}`);
  try {
    const json = JSON.stringify(await tool.run(input, context));
    return finish(json.length > MAX_TOOL_RESULT_CHARS ? `${json.slice(0, MAX_TOOL_RESULT_CHARS)}… [cut: ${json.length} characters in all]` : json, null);
  } catch (error) {
    const reason =
      error instanceof GraphRequestError
        ? `${error.code}: ${error.errors[0]?.message ?? 'the graph refused'}`
        : error instanceof ToolInputError || error instanceof ToolForbiddenError || error instanceof ToolError
          ? `${error.code}: ${error.message}`
          : error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
            ? 'TIMEOUT: the tool did not answer in time'
            : 'UNAVAILABLE: the tool failed';
    return finish(`Error: ${reason}`, reason);
  }
}

/** A tool call's arguments in one short line, for the event stream. */
export function summarizeArguments(input: Record<string, unknown>, max = 160): string {
  const parts = Object.entries(input).map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join(', ') : typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  const line = parts.join('; ') || '(none)';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

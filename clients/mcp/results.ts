// What a tool hands back to the agent: concise text for the model plus structured content for
// programs, or an MCP tool error (`isError: true`) whose first words say what went wrong.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ToolError } from '../../shared/tools/tool';
import { GATEWAY_UNAVAILABLE } from './graph';

/** The lead of each error's message, by the graph's `extensions.code`. */
const LEADS: Record<string, string> = {
  UNAUTHENTICATED: 'Not signed in: the token is missing, expired or not valid',
  FORBIDDEN: 'Not allowed: the caller may not read this',
  BAD_USER_INPUT: 'Invalid input',
  NOT_FOUND: 'Not found',
  RATE_LIMITED: 'Rate limited: too many requests',
  OPERATION_LIMIT: 'Too large: the request exceeds the graph’s operation limits',
  [GATEWAY_UNAVAILABLE]: 'The Loop Health graph is unavailable',
};

export interface ToolAnswer<S extends Record<string, unknown>> {
  text: string;
  structured: S;
  /** Parts the graph could not deliver; reported after the text. */
  warnings?: string[];
}

export function answer<S extends Record<string, unknown>>({ text, structured, warnings = [] }: ToolAnswer<S>): CallToolResult {
  const note = warnings.length ? `\n\nPartial answer, unavailable: ${warnings.join('; ')}` : '';
  return { content: [{ type: 'text', text: text + note }], structuredContent: structured };
}

/** An MCP tool error: "<lead> (<CODE>): <the graph's message>", the code also in `_meta`. */
export function toolError(error: unknown): CallToolResult {
  const graphError = error instanceof ToolError ? error : new ToolError('INTERNAL_SERVER_ERROR', 'The tool failed unexpectedly.');
  const lead = LEADS[graphError.code] ?? 'The graph could not answer';
  const retry = graphError.retryAfterSeconds ? ` Retry after ${graphError.retryAfterSeconds} s.` : '';
  return {
    isError: true,
    content: [{ type: 'text', text: `${lead} (${graphError.code}): ${graphError.message}${retry}` }],
    _meta: { errorCode: graphError.code },
  };
}

// What every tool shares: the gateway client bound to the caller's token, the logger, the
// read-only annotations, and one wrapper that turns failures into MCP tool errors.
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { GatewayClient } from '../graph';
import type { Logger } from '../log';
import { ToolError } from '../../../shared/tools/tool';
import { toolError } from '../results';
import { toolCallTimer } from '../metrics';

export interface ToolContext {
  graph: GatewayClient;
  log: Logger;
}

/** Every tool only reads through the graph: safe to call, retry and run in parallel. */
export const READ_ONLY: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

export async function runTool(ctx: ToolContext, tool: string, work: () => Promise<CallToolResult>): Promise<CallToolResult> {
  const started = Date.now();
  const finished = toolCallTimer(tool);
  try {
    const result = await work();
    finished();
    ctx.log.info({ tool, outcome: 'ok', ms: Date.now() - started }, 'tool call');
    return result;
  } catch (error) {
    const code = error instanceof ToolError ? error.code : 'INTERNAL_SERVER_ERROR';
    finished(code);
    if (error instanceof ToolError) ctx.log.info({ tool, outcome: code, ms: Date.now() - started }, 'tool call');
    else ctx.log.error({ tool, outcome: code, err: error }, 'tool failed');
    return toolError(error);
  }
}

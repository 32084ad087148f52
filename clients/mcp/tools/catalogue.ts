// The MCP server's tools: the catalogue's (shared/tools/catalogue.ts), each registered under its
// MCP name with its input and output schemas, read-only, run with the caller's token. A patient
// tool reads the patient the caller names, or with no patientId the caller's own record (`me`);
// the graph decides whether the caller may.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { toolsOf } from '../../../shared/tools/catalogue';
import { runCatalogueTool } from '../../../shared/tools/tool';
import { answer } from '../results';
import { READ_ONLY, runTool, type ToolContext } from './context';

export function registerCatalogueTools(server: McpServer, ctx: ToolContext): void {
  for (const { tool, names } of toolsOf('mcp')) {
    server.registerTool(
      names.name,
      { title: tool.title, description: tool.description, inputSchema: tool.input, outputSchema: tool.output, annotations: { ...READ_ONLY, title: tool.title } },
      (args: Record<string, unknown>) =>
        runTool(ctx, names.name, async () => answer(await runCatalogueTool(tool, 'mcp', args, ctx.graph, args.patientId as string | undefined))),
    );
  }
}

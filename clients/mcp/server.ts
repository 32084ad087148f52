// One MCP server bound to one caller: every tool and the resource call the gateway with that
// caller's token. The stdio transport makes one for its process; HTTP one per request.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { registerBiomarkerCatalog } from './biomarker-catalog';
import { GatewayClient } from './graph';
import type { Logger } from './log';
import { registerCatalogueTools } from './tools/catalogue';
import type { ToolContext } from './tools/context';

export const SERVER_INFO = { name: 'loop-health', version: '0.1.0' };

const INSTRUCTIONS =
  'Read-only access to the Loop Health graph as the signed-in caller: patient summaries, lab results and biomarker history, ' +
  'protocols, wearable insights and published content. A patient’s own token reads their own record (leave patientId out); ' +
  'staff tokens name the patient. Access is checked and audited by the graph; "Not allowed" means the caller’s role may not read it.';

export interface CallerServerOptions {
  gatewayUrl: string;
  gatewayTimeoutMs: number;
  /** The caller's bearer token, forwarded on every call; undefined = anonymous (public content only). */
  token: string | undefined;
  log: Logger;
}

export function createLoopMcpServer(options: CallerServerOptions): McpServer {
  const server = new McpServer(SERVER_INFO, { instructions: INSTRUCTIONS });
  const ctx: ToolContext = {
    graph: new GatewayClient({ url: options.gatewayUrl, token: options.token, timeoutMs: options.gatewayTimeoutMs }),
    log: options.log,
  };
  registerCatalogueTools(server, ctx);
  registerBiomarkerCatalog(server, ctx);
  return server;
}

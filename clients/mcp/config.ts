// Settings of the MCP server: MCP_PORT, MCP_GATEWAY_TIMEOUT_MS, LOOP_TOKEN, GATEWAY_URL and HOST,
// declared with the rest in shared/config/settings.ts.
import { processConfig } from '../../shared/config';

/** The path MCP clients post to. */
export const MCP_PATH = '/mcp';

export interface McpConfig {
  /** The gateway's GraphQL endpoint every tool calls (`GATEWAY_URL`, default http://127.0.0.1:4000/graphql). */
  gatewayUrl: string;
  gatewayTimeoutMs: number;
  /** Interface and port of the HTTP transport (`HOST`, `MCP_PORT`). */
  host: string;
  port: number;
  /** The stdio transport's caller token (`LOOP_TOKEN`); never used by the HTTP transport. */
  stdioToken: string | undefined;
}

export function loadMcpConfig(config = processConfig()): McpConfig {
  return { gatewayUrl: config.gatewayUrl, host: config.host, ...config.mcp };
}

// Settings of the MCP server, with their defaults named once (in the style of shared/config.ts).
import { DEFAULT_GATEWAY_PORT, loadConfig } from '../../shared/config';

/** The streamable HTTP transport's port: beside the gateway (4000) and its six subgraphs (4001-4006). */
export const DEFAULT_MCP_PORT = 4010;
/** PORT_BASE moves the MCP port with the rest of the stack, ten above the gateway. */
export const MCP_PORT_OFFSET = DEFAULT_MCP_PORT - DEFAULT_GATEWAY_PORT;
/** The path MCP clients post to. */
export const MCP_PATH = '/mcp';
/** How long one GraphQL call through the gateway may take before the tool reports a failure. */
export const DEFAULT_GATEWAY_TIMEOUT_MS = 15_000;

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

function whole(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return value;
}

export function loadMcpConfig(): McpConfig {
  const shared = loadConfig();
  const base = process.env.PORT_BASE ? whole('PORT_BASE', DEFAULT_GATEWAY_PORT) : undefined;
  return {
    gatewayUrl: shared.gatewayUrl,
    gatewayTimeoutMs: whole('MCP_GATEWAY_TIMEOUT_MS', DEFAULT_GATEWAY_TIMEOUT_MS),
    host: shared.host,
    port: whole('MCP_PORT', base !== undefined ? base + MCP_PORT_OFFSET : DEFAULT_MCP_PORT),
    stdioToken: process.env.LOOP_TOKEN?.trim() || undefined,
  };
}

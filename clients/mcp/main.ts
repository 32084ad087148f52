// The Loop Health MCP server for AI agents.
//   npm run mcp                 stdio, acting with the token in LOOP_TOKEN
//   npm run mcp -- --http       streamable HTTP on MCP_PORT (default 4010) at /mcp, each request with its own bearer token
import { loadMcpConfig, MCP_PATH } from './config';
import { mcpLogger } from './log';
import { serveHttp } from './transports/http';
import { serveStdio } from './transports/stdio';

async function main(): Promise<void> {
  const config = loadMcpConfig();
  const log = mcpLogger();
  if (process.argv.includes('--http')) {
    const server = await serveHttp(config, log);
    log.info({ url: `${server.url}${MCP_PATH}`, gateway: config.gatewayUrl }, 'Loop Health MCP server ready (streamable HTTP)');
    const stop = () => void server.stop().finally(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } else {
    await serveStdio(config, log);
    log.info({ gateway: config.gatewayUrl }, 'Loop Health MCP server ready (stdio)');
  }
}

main().catch((error) => {
  process.stderr.write(`loop-health mcp: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

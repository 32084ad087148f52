// The Loop Health MCP server for AI agents.
//   npm run mcp                 stdio, acting with the token in LOOP_TOKEN
//   npm run mcp -- --http       streamable HTTP on MCP_PORT (default 4010) at /mcp, each request with its own bearer token
import { processConfig } from '../../shared/config';
import { startTracing, tracingOptions } from '../../shared/observability/tracing';
import { loadMcpConfig, MCP_PATH } from './config';
import { mcpLogger } from './log';

async function main(): Promise<void> {
  // Spans of the MCP server's HTTP requests and of its tools' calls to the gateway, whose
  // traceparent continues the trace there (off without OTEL_EXPORTER_OTLP_ENDPOINT). Started
  // before the transports (and the http module they serve with) load, so they are instrumented.
  const tracing = startTracing(tracingOptions(processConfig(), ['mcp']));
  const { serveHttp } = await import('./transports/http');
  const { serveStdio } = await import('./transports/stdio');
  const config = loadMcpConfig();
  const log = mcpLogger();
  if (process.argv.includes('--http')) {
    const server = await serveHttp(config, log);
    log.info({ url: `${server.url}${MCP_PATH}`, gateway: config.gatewayUrl }, 'Loop Health MCP server ready (streamable HTTP)');
    const stop = () => void server.stop().then(() => tracing.shutdown()).finally(() => process.exit(0));
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

// Streamable HTTP, stateless: every POST carries its caller's bearer token and is served by a
// fresh MCP server bound to exactly that token, so one caller's identity can never serve another
// caller's request, no session has to be stored, and replicas need no sticky routing. The tools
// are plain request/response reads, so nothing needs a session (no server-sent notifications).
import http from 'node:http';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { NextFunction, Request, Response } from 'express';
import { metricsEndpoint } from '../../../shared/observability/service-metrics';
import { listen, type RunningServer } from '../../../shared/server/listen';
import { httpCheck, readinessEndpoint } from '../../../shared/server/readiness';
import { MCP_PATH, type McpConfig } from '../config';
import type { Logger } from '../log';
import { countHttpRequests, SERVICE } from '../metrics';
import { createLoopMcpServer } from '../server';

const jsonRpcError = (code: number, message: string) => ({ jsonrpc: '2.0', error: { code, message }, id: null });

/** The token of an `Authorization: Bearer <token>` header, else undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** No token, no MCP: there is no server-side identity to fall back on. */
function requireBearer(req: Request, res: Response, next: NextFunction): void {
  const token = bearerToken(req.headers.authorization);
  if (!token) {
    res
      .status(401)
      .set('WWW-Authenticate', 'Bearer realm="loop-health", error="invalid_request", error_description="a bearer token is required"')
      .json(jsonRpcError(-32001, 'Unauthorized: send Authorization: Bearer <token> (a Loop Health token)'));
    return;
  }
  res.locals.token = token;
  next();
}

export function createMcpHttpApp(config: Pick<McpConfig, 'gatewayUrl' | 'gatewayTimeoutMs' | 'host'>, log: Logger) {
  const app = createMcpExpressApp({ host: config.host });
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Ready while the gateway (every tool's one dependency) answers its liveness probe.
  app.get('/readyz', readinessEndpoint({ checks: [httpCheck('gateway', new URL('/healthz', config.gatewayUrl).href)] }));
  app.get('/metrics', metricsEndpoint({ service: SERVICE, processMetrics: true }));
  app.use(MCP_PATH, countHttpRequests(), requireBearer);
  app.post(MCP_PATH, async (req, res) => {
    const server = createLoopMcpServer({ ...config, token: res.locals.token as string, log });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
    } catch (error) {
      log.error({ err: error }, 'MCP request failed');
      if (!res.headersSent) res.status(500).json(jsonRpcError(-32603, 'Internal error'));
    }
  });
  // Stateless: no server-initiated stream (GET) and no session to end (DELETE).
  app.all(MCP_PATH, (_req, res) => {
    res.status(405).set('Allow', 'POST').json(jsonRpcError(-32000, 'Method not allowed: this server is stateless, POST only'));
  });
  return app;
}

export async function serveHttp(config: McpConfig, log: Logger): Promise<RunningServer> {
  return listen(http.createServer(createMcpHttpApp(config, log)), config.host, config.port, 'mcp');
}

// stdio: an MCP client (Claude Desktop, an IDE agent) spawns this process for one user, whose
// token comes from LOOP_TOKEN. stdout carries only the protocol; logs go to stderr.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { McpConfig } from '../config';
import type { Logger } from '../log';
import { createLoopMcpServer } from '../server';

export async function serveStdio(config: McpConfig, log: Logger): Promise<void> {
  if (!config.stdioToken) log.warn('LOOP_TOKEN is not set: the tools act anonymously and can read published content only');
  const server = createLoopMcpServer({ ...config, token: config.stdioToken, log });
  await server.connect(new StdioServerTransport());
  // The client ends the session by closing stdin: exit then, rather than wait on idle sockets.
  process.stdin.once('end', () => {
    void server.close().finally(() => process.exit(0));
  });
}

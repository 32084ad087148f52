// The MCP server logs to stderr: on the stdio transport stdout carries the protocol and nothing
// else. Lines name the tool and its outcome, never a token or a tool's arguments (patient ids).
import pino from 'pino';

export type Logger = pino.Logger;

export function mcpLogger(): Logger {
  return pino(
    {
      level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
      base: { service: 'mcp' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.destination({ dest: 2, sync: true }),
  );
}

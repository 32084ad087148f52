// The MCP server logs to stderr: on the stdio transport stdout carries the protocol and nothing
// else. Lines name the tool and its outcome, never a token or a tool's arguments (patient ids);
// the platform's redaction paths apply here too (shared/log-redaction.ts).
import pino from 'pino';
import { processConfig } from '../../shared/config';
import { logRedaction } from '../../shared/log-redaction';

export type Logger = pino.Logger;

export function mcpLogger(): Logger {
  return pino(
    {
      level: processConfig().logLevel,
      base: { service: 'mcp' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: logRedaction,
    },
    pino.destination({ dest: 2, sync: true }),
  );
}

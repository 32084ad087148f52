import pino from 'pino';
import { processConfig } from './config';
import { logRedaction } from './log-redaction';

/** LOG_LEVEL; while the settings are invalid, `info`, so the start can still say what is wrong with them. */
function level(): string {
  try {
    return processConfig().logLevel;
  } catch {
    return 'info';
  }
}

// One root logger; each service logs through a child tagged with its name, so the
// interleaved output of `npm start` reads service by service. Credentials and PHI are
// redacted (log-redaction.ts).
const root = pino({
  level: level(),
  base: undefined,
  timestamp: pino.stdTimeFunctions.isoTime,
  redact: logRedaction,
});

export type Logger = pino.Logger;

export function serviceLogger(service: string): Logger {
  return root.child({ service });
}

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

/**
 * `fields` on an object whose `log` is `parent.child(bindings)`, made on first read: most requests
 * log nothing, and a child logger costs its redaction set-up. The getter sits on the object's
 * prototype, because Apollo copies each operation's context (own properties into an object of the
 * same prototype), which would call a getter of the object itself.
 */
export function withLazyChildLogger<T extends object>(parent: Logger, bindings: pino.Bindings, fields: T): T & { readonly log: Logger } {
  let child: Logger | undefined;
  const prototype = Object.create(Object.prototype, { log: { get: () => (child ??= parent.child(bindings)) } });
  return Object.assign(Object.create(prototype), fields);
}

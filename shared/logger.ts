import pino from 'pino';

// One root logger; each service logs through a child tagged with its name, so the
// interleaved output of `npm start` reads service by service.
const root = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
  base: undefined,
  timestamp: pino.stdTimeFunctions.isoTime,
});

export type Logger = pino.Logger;

export function serviceLogger(service: string): Logger {
  return root.child({ service });
}

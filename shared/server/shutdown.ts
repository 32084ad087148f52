// The process's shutdown (Kubernetes' termination contract): on SIGTERM or SIGINT it is not
// ready at once (/readyz answers 503), stops accepting, lets in-flight requests and jobs finish
// within SHUTDOWN_GRACE_MS, then closes its connections and exits 0. Every stopping part asks
// `remainingGraceMs()` how long it may still wait, so the whole stop fits in one grace period;
// a hard timer exits (non-zero) if something still hangs at grace + FORCED_EXIT_MARGIN_MS.
import type { Logger } from '../logger';

/** After the grace period, how long closing connections may take before the process exits anyway. */
export const FORCED_EXIT_MARGIN_MS = 1_500;

let deadline: number | null = null;
let drainingSince: number | null = null;
let defaultGraceMs = 10_000;

/** True from the moment the process was asked to stop: readiness answers 503 and responses close their connections. */
export function isDraining(): boolean {
  return deadline !== null;
}

/** Marks the process as stopping; the grace period runs from the first call. */
export function beginDraining(graceMs: number): void {
  drainingSince ??= Date.now();
  deadline ??= Date.now() + graceMs;
}

/** Milliseconds since the process was asked to stop (0 when it was not). */
export function drainingForMs(): number {
  return drainingSince === null ? 0 : Date.now() - drainingSince;
}

/** The process's grace period when it is not (yet) stopping; set from SHUTDOWN_GRACE_MS by the launcher. */
export function setDefaultGrace(graceMs: number): void {
  defaultGraceMs = graceMs;
}

/** How long a stopping part may still wait for its work to finish (the whole grace period before a signal). */
export function remainingGraceMs(): number {
  return deadline === null ? defaultGraceMs : Math.max(0, deadline - Date.now());
}

/** Tests only: back to a running process. */
export function resetDrainingForTests(): void {
  deadline = null;
  drainingSince = null;
}

export interface SignalHandlingOptions {
  /** SHUTDOWN_GRACE_MS. */
  graceMs: number;
  /** Stops everything the process runs; resolves when it is all closed. */
  stop(): Promise<void>;
  log: Logger;
  /** Default process.exit. */
  exit?(code: number): void;
  /** Default FORCED_EXIT_MARGIN_MS. */
  forcedExitMarginMs?: number;
}

/**
 * SIGTERM and SIGINT start the shutdown once; a second signal while stopping is logged and ignored
 * (the grace period still ends it). Exits 0 when everything stopped, 1 when the hard timer fired.
 */
export function exitOnSignals(options: SignalHandlingOptions): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return void options.log.warn({ signal }, 'already shutting down');
    stopping = true;
    beginDraining(options.graceMs);
    options.log.info({ signal, graceMs: options.graceMs }, 'shutting down: not ready, draining in-flight work');
    const forced = setTimeout(() => {
      options.log.error('shutdown did not finish within the grace period: exiting');
      exit(1);
    }, options.graceMs + (options.forcedExitMarginMs ?? FORCED_EXIT_MARGIN_MS));
    forced.unref();
    options
      .stop()
      .then(() => {
        options.log.info('stopped');
        exit(0);
      })
      .catch((error) => {
        options.log.error({ err: error }, 'stopping failed');
        exit(1);
      })
      .finally(() => clearTimeout(forced));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

// Between the gateway and one subgraph (Envoy's outlier detection, in process): a circuit breaker
// per subgraph that opens after consecutive failures (unreachable, too slow, 502-504) and lets one
// probe through once half-open, so a down subgraph costs its fields at once instead of a timeout
// per request; and, for queries only, one retry with jittered backoff when the connection itself
// failed (refused or reset before an answer: nothing ran, or a read ran; a mutation may have run,
// so it is never retried). Built on cockatiel (typed, dependency-free, its decorrelated-jitter
// backoff and consecutive breaker are exactly these policies). The breaker's state is the gauge
// gateway_subgraph_circuit_state.
import { BrokenCircuitError, circuitBreaker, CircuitState, ConsecutiveBreaker, ExponentialBackoff, handleWhen, retry, wrap, type IPolicy } from 'cockatiel';
import client from 'prom-client';
import { registry } from '../shared/metrics';

/** Consecutive failures that open a subgraph's circuit. */
export const DEFAULT_BREAKER_CONSECUTIVE_FAILURES = 5;
/** How long an open circuit refuses before one probe request may pass (half-open): short, so a subgraph back from a restart serves within a second or so. */
export const DEFAULT_BREAKER_HALF_OPEN_AFTER_MS = 1_000;
/** First retry delay (jittered, decorrelated) and its cap: a restarting subgraph or a reset pooled connection. */
export const DEFAULT_RETRY_INITIAL_DELAY_MS = 50;
export const DEFAULT_RETRY_MAX_DELAY_MS = 250;

export interface ResilienceOptions {
  /** Default DEFAULT_BREAKER_CONSECUTIVE_FAILURES. */
  consecutiveFailures?: number;
  /** Default DEFAULT_BREAKER_HALF_OPEN_AFTER_MS. */
  halfOpenAfterMs?: number;
  /** Default DEFAULT_RETRY_INITIAL_DELAY_MS. */
  retryInitialDelayMs?: number;
  /** Default DEFAULT_RETRY_MAX_DELAY_MS. */
  retryMaxDelayMs?: number;
}

const circuitStateGauge = new client.Gauge({
  name: 'gateway_subgraph_circuit_state',
  help: "The gateway's circuit breaker per subgraph: 0 closed (requests flow), 1 open (refused at once), 2 half-open (one probe passes)",
  labelNames: ['service'],
  registers: [registry],
});
const retries = new client.Counter({
  name: 'gateway_subgraph_retries_total',
  help: 'Queries the gateway sent a subgraph again after the connection failed',
  labelNames: ['service'],
  registers: [registry],
});
const shortCircuited = new client.Counter({
  name: 'gateway_subgraph_short_circuited_total',
  help: 'Subgraph requests refused at once because their circuit was open',
  labelNames: ['service'],
  registers: [registry],
});

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

/** The fetch failed on the connection (refused, reset, closed before the answer), not on a deadline. */
export function isConnectionError(error: unknown): boolean {
  let current: unknown = error;
  if (error instanceof ClientGone) return false;
  for (let depth = 0; current && depth < 4; depth++) {
    const { code, name } = current as { code?: string; name?: string };
    if (name === 'TimeoutError' || name === 'AbortError') return false;
    if (code && CONNECTION_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** A 502, 503 or 504 answer (a proxy in front of the subgraph could not reach it): counted as the subgraph's failure. */
function isGatewayFailure(response: unknown): boolean {
  const status = (response as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 502 && status <= 504;
}

/** Why a subgraph call failed: what the client is told (never an address). */
export type Unavailability = 'unreachable' | 'timeout' | 'circuit-open' | 'abandoned';

/** The fetch stopped because the client's request was abandoned (gone, or past its own deadline). */
class ClientGone extends Error {
  constructor(cause: unknown) {
    super('abandoned by the client', { cause });
  }
}

export class SubgraphCallFailed extends Error {
  constructor(
    readonly reason: Unavailability,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}

export interface SubgraphGuard {
  /** Runs `attempt` (one fetch) under the breaker; queries are retried once on a connection error. */
  call<T extends { status: number }>(kind: 'query' | 'mutation', attempt: () => Promise<T>, abandoned?: AbortSignal): Promise<T>;
  state(): CircuitState;
}

/** A guard per subgraph, shared by every data source of that subgraph in this gateway. */
export function subgraphGuards(options: ResilienceOptions = {}): (service: string) => SubgraphGuard {
  const guards = new Map<string, SubgraphGuard>();
  return (service) => {
    let guard = guards.get(service);
    if (!guard) guards.set(service, (guard = createGuard(service, options)));
    return guard;
  };
}

function createGuard(service: string, options: ResilienceOptions): SubgraphGuard {
  // The client leaving is not the subgraph's failure; everything else thrown is (unreachable, timeout).
  const failure = handleWhen((error) => !(error instanceof ClientGone)).orWhenResult((response) => isGatewayFailure(response));
  const breaker = circuitBreaker(failure, {
    halfOpenAfter: options.halfOpenAfterMs ?? DEFAULT_BREAKER_HALF_OPEN_AFTER_MS,
    breaker: new ConsecutiveBreaker(options.consecutiveFailures ?? DEFAULT_BREAKER_CONSECUTIVE_FAILURES),
  });
  circuitStateGauge.set({ service }, CircuitState.Closed);
  breaker.onStateChange((state) => circuitStateGauge.set({ service }, state === CircuitState.Isolated ? CircuitState.Open : state));
  const retryOnce = retry(handleWhen(isConnectionError), {
    maxAttempts: 1,
    backoff: new ExponentialBackoff({ initialDelay: options.retryInitialDelayMs ?? DEFAULT_RETRY_INITIAL_DELAY_MS, maxDelay: options.retryMaxDelayMs ?? DEFAULT_RETRY_MAX_DELAY_MS }),
  });
  retryOnce.onRetry(() => retries.inc({ service }));
  const forQueries: IPolicy = wrap(retryOnce, breaker);
  return {
    async call(kind, attempt, abandoned) {
      try {
        return await (kind === 'query' ? forQueries : breaker).execute(async () => {
          try {
            return await attempt();
          } catch (error) {
            throw abandoned?.aborted ? new ClientGone(error) : error;
          }
        });
      } catch (error) {
        if (error instanceof BrokenCircuitError) {
          shortCircuited.inc({ service });
          throw new SubgraphCallFailed('circuit-open', { cause: error });
        }
        if (abandoned?.aborted) throw new SubgraphCallFailed('abandoned', { cause: error });
        if ((error as Error).name === 'TimeoutError') throw new SubgraphCallFailed('timeout', { cause: error });
        throw new SubgraphCallFailed('unreachable', { cause: error });
      }
    },
    state: () => breaker.state,
  };
}

export { CircuitState };

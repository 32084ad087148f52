// One load phase against a gateway with autocannon: requests/s, the client's latency
// percentiles, and each subgraph's fetch latencies as its timing proxy saw them meanwhile.
import autocannon from 'autocannon';
import type { Span, TimingProxy } from './timing-proxy';
import { percentile, round } from './stats';

export interface LoadPhaseOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  connections: number;
  durationSeconds: number;
  /** Stop after this many requests instead of after durationSeconds (a slow version still yields samples). */
  amount?: number;
  /** Seconds before a request counts as an error (DEFAULT_REQUEST_TIMEOUT_SECONDS). */
  timeoutSeconds?: number;
  /** The subgraphs' timing proxies, by name (reset at the start of the phase). */
  proxies?: Record<string, TimingProxy>;
}

export interface LoadPhaseResult {
  connections: number;
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number };
  non2xx: number;
  errors: number;
  /** p95 of each subgraph's fetches during the phase (subgraphs not called are left out). */
  subgraphP95Ms: Record<string, number>;
  /** The gateway's p95 ÷ the slowest subgraph's p95: 1 would be a gateway that adds nothing to a one-stage plan. */
  gatewayOverSlowestSubgraph: number;
  /**
   * At one connection, where each request's fetches fall inside its own time: the gateway's p95 ÷
   * the p95 of each request's critical path in the subgraphs (the time at least one of its fetches
   * was in flight, whatever the plan's stages). 1 would be a gateway that adds nothing; NaN otherwise.
   */
  gatewayOverCriticalPath: number;
  /**
   * At one connection: the p95 of each request's critical path ÷ the slowest subgraph's p95, the
   * gateway-over-slowest ratio of a gateway that added nothing to this plan (its stages' floor); NaN otherwise.
   */
  criticalPathOverSlowestSubgraph: number;
}

/** For each window (sorted, not overlapping), how long at least one of `spans` was in flight within it. */
export function busyWithin(windows: readonly Span[], spans: readonly Span[]): number[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  return windows.map((window) => {
    let busy = 0;
    let reached = window.start;
    for (const span of sorted) {
      if (span.start >= window.end) break;
      const from = Math.max(span.start, reached);
      const to = Math.min(span.end, window.end);
      if (to > from) {
        busy += to - from;
        reached = to;
      }
    }
    return busy;
  });
}

/** Long enough for the slowest baseline on a busy machine: a slow answer is a figure, not an error. */
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 120;

export async function runLoadPhase(options: LoadPhaseOptions): Promise<LoadPhaseResult> {
  for (const proxy of Object.values(options.proxies ?? {})) proxy.reset();
  // autocannon reports p97.5, not p95: keep every response time and take the percentiles here.
  const latencies: number[] = [];
  // Each request's time (at one connection they follow one another), to find its fetches in.
  const windows: Span[] = [];
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url: options.url, method: 'POST', headers: { 'content-type': 'application/json', ...options.headers }, body: options.body, connections: options.connections, ...(options.amount ? { amount: options.amount } : { duration: options.durationSeconds }), timeout: options.timeoutSeconds ?? DEFAULT_REQUEST_TIMEOUT_SECONDS },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      latencies.push(responseTime);
      const end = performance.now();
      windows.push({ start: end - responseTime, end });
    });
  });
  const elapsedSeconds = (performance.now() - started) / 1000;
  const subgraphP95Ms: Record<string, number> = {};
  for (const [name, proxy] of Object.entries(options.proxies ?? {})) if (proxy.durations().length) subgraphP95Ms[name] = round(percentile(proxy.durations(), 95));
  const p95 = percentile(latencies, 95);
  const slowest = Math.max(0, ...Object.values(subgraphP95Ms));
  const spans = Object.values(options.proxies ?? {}).flatMap((proxy) => proxy.spans());
  const criticalPath = options.connections === 1 && spans.length ? percentile(busyWithin(windows, spans), 95) : 0;
  return {
    connections: options.connections,
    requests: latencies.length,
    requestsPerSecond: round(latencies.length / elapsedSeconds, 2),
    latencyMs: { p50: round(percentile(latencies, 50)), p95: round(p95), p99: round(percentile(latencies, 99)) },
    non2xx: result.non2xx,
    errors: result.errors,
    subgraphP95Ms,
    gatewayOverSlowestSubgraph: slowest ? round(p95 / slowest, 2) : NaN,
    gatewayOverCriticalPath: criticalPath ? round(p95 / criticalPath, 2) : NaN,
    criticalPathOverSlowestSubgraph: criticalPath && slowest ? round(criticalPath / slowest, 2) : NaN,
  };
}

/** Prints a warning line when any phase had answers other than 2xx or failed requests (its figures then include them). */
export function warnOfFailedRequests(phases: readonly LoadPhaseResult[]): void {
  const failures = phases.filter((phase) => phase.non2xx || phase.errors);
  if (failures.length) console.log(`\nWarning: ${failures.map((phase) => `${phase.non2xx} non-2xx / ${phase.errors} errors at ${phase.connections} connections`).join('; ')}`);
}

// OpenTelemetry tracing of one process: started first thing (before the modules it instruments
// load), only when an OTLP endpoint is set; otherwise nothing is registered and every span the
// code asks for is the API's no-op (tracingEnabled() lets hot paths skip even that). What is
// traced: HTTP in and out (W3C `traceparent` extracted and injected: client → gateway →
// subgraphs, Luna's tools, the model call), SQL through Prisma (@prisma/instrumentation) and the
// pg driver, and the spans the platform makes itself (GraphQL operations, slow resolvers,
// DataLoader batches, queue jobs, Luna turns). Span attributes never carry PHI: scrub-spans.ts.
// The SDK itself (tracing-sdk.ts) is loaded only when tracing is on: it is a large part of a
// start's module loading, and memory kept for nothing when no endpoint is set.
import type { IncomingMessage } from 'node:http';
import { DEFAULT_TRACING_RESOLVER_THRESHOLD_MS, type Config } from '../config';

/** Paths probed every few seconds by orchestrators and Prometheus: no trace for them. */
export const UNTRACED_PATHS = ['/healthz', '/readyz', '/metrics'];
/** Where OTLP/HTTP collectors take spans, under the endpoint's base URL. */
export const OTLP_TRACES_PATH = '/v1/traces';

export interface TracingOptions {
  /** OTLP/HTTP base URL; undefined = tracing off. */
  endpoint: string | undefined;
  /** OTLP encoding (default `http/protobuf`). */
  protocol?: 'http/protobuf' | 'http/json';
  /** The resource's `service.name`. */
  serviceName: string;
  /** Resolvers at least this slow get a span (default DEFAULT_TRACING_RESOLVER_THRESHOLD_MS). */
  resolverThresholdMs?: number;
  /** Batch delay of the exporter (default DEFAULT_TRACING_EXPORT_DELAY_MS). */
  exportDelayMs?: number;
}

export interface Tracing {
  enabled: boolean;
  /** Sends what is buffered and stops (at process exit). */
  shutdown(): Promise<void>;
}

let enabled = false;
let resolverThresholdMs = DEFAULT_TRACING_RESOLVER_THRESHOLD_MS;

/** Whether this process exports spans: code that makes spans of its own skips the work when not. */
export function tracingEnabled(): boolean {
  return enabled;
}

/** The slow-resolver threshold in force (TRACING_RESOLVER_THRESHOLD_MS). */
export function resolverSpanThresholdMs(): number {
  return resolverThresholdMs;
}

/** The options for a process running `services`, from its settings. */
export function tracingOptions(config: Config, services: readonly string[]): TracingOptions {
  return {
    endpoint: config.tracing.otlpEndpoint,
    protocol: config.tracing.otlpProtocol,
    serviceName: config.tracing.serviceName ?? `loop-health-${services.length ? services.join('-') : 'all'}`,
    resolverThresholdMs: config.tracing.resolverThresholdMs,
    exportDelayMs: config.tracing.exportDelayMs,
  };
}

function untraced(request: IncomingMessage): boolean {
  const path = (request.url ?? '').split('?')[0];
  return UNTRACED_PATHS.includes(path);
}

/** Starts tracing when options.endpoint is set; call before the instrumented modules (pg, http servers) load. */
export function startTracing(options: TracingOptions): Tracing {
  if (!options.endpoint) return { enabled: false, shutdown: async () => {} };
  // Loaded synchronously, here, so the instrumentations are in place before the caller loads the modules they patch.
  const { startSdk } = require('./tracing-sdk') as typeof import('./tracing-sdk');
  const url = `${options.endpoint.replace(/\/+$/, '')}${OTLP_TRACES_PATH}`;
  const sdk = startSdk({ url, protocol: options.protocol, serviceName: options.serviceName, exportDelayMs: options.exportDelayMs, untraced });
  enabled = true;
  resolverThresholdMs = options.resolverThresholdMs ?? DEFAULT_TRACING_RESOLVER_THRESHOLD_MS;
  return {
    enabled: true,
    async shutdown() {
      enabled = false;
      await sdk.shutdown().catch(() => {});
    },
  };
}

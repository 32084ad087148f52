// The OpenTelemetry SDK of a process that traces (tracing.ts loads this module only then): the
// OTLP exporter, the scrubbing processor, and the instrumentations of HTTP in and out, pg and Prisma.
import type { IncomingMessage } from 'node:http';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import { PrismaInstrumentation } from '@prisma/instrumentation';
import { DEFAULT_TRACING_EXPORT_DELAY_MS } from '../config';
import { ScrubbingSpanProcessor } from './scrub-spans';

export interface SdkOptions {
  /** The collector's traces URL. */
  url: string;
  protocol?: 'http/protobuf' | 'http/json';
  serviceName: string;
  exportDelayMs?: number;
  /** Incoming requests that get no span (probes). */
  untraced(request: IncomingMessage): boolean;
}

/** Starts the SDK, exporting to options.url. */
export function startSdk(options: SdkOptions): { shutdown(): Promise<void> } {
  const { url, untraced } = options;
  const exporter = options.protocol === 'http/json' ? new OtlpJsonExporter({ url }) : new OtlpProtobufExporter({ url });
  diag.setLogger({ ...console, verbose: () => {}, debug: () => {}, info: () => {} }, DiagLogLevel.WARN);
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': options.serviceName, 'service.namespace': 'loop-health' }),
    // No host or process detectors: command lines and environment stay out of the exported data.
    autoDetectResources: false,
    spanProcessors: [new ScrubbingSpanProcessor(), new BatchSpanProcessor({ exporter, scheduledDelayMillis: options.exportDelayMs ?? DEFAULT_TRACING_EXPORT_DELAY_MS })],
    // Traces only: metrics are Prometheus's (/metrics), logs are pino's.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: untraced }),
      new UndiciInstrumentation(),
      // Statement text only (placeholders), never the values bound to it.
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
      new PrismaInstrumentation(),
    ],
  });
  sdk.start();
  return sdk;
}

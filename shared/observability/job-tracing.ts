// Traces across the job queue: a job's data carries the W3C trace context of the code that sent
// it (`traceContext`: traceparent, tracestate), and the worker runs the job in a consumer span
// continuing that trace, so a request's trace goes on into the work it queued (a care alert
// raised by a Luna turn, a FHIR export) even in another process. Handlers never see the field.
import { context, propagation, ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { withSpan } from './spans';
import { tracingEnabled } from './tracing';

/** The job data field that carries the sender's trace context. */
export const TRACE_CONTEXT_FIELD = 'traceContext';

type Carrier = Record<string, string>;

/** `data` with the active trace context (unchanged when tracing is off or no span is active). */
export function withTraceContext<T extends object>(data: T): T {
  if (!tracingEnabled()) return data;
  const carrier: Carrier = {};
  propagation.inject(context.active(), carrier);
  return Object.keys(carrier).length ? { ...data, [TRACE_CONTEXT_FIELD]: carrier } : data;
}

/** Splits a job's data into what the handler gets and the sender's trace context. */
export function withoutTraceContext<T>(data: T): { data: T; carrier: Carrier | undefined } {
  if (!data || typeof data !== 'object' || !(TRACE_CONTEXT_FIELD in data)) return { data, carrier: undefined };
  const { [TRACE_CONTEXT_FIELD]: carrier, ...rest } = data as Record<string, unknown>;
  return { data: rest as T, carrier: carrier && typeof carrier === 'object' ? (carrier as Carrier) : undefined };
}

/** Runs one job of `queue` in a consumer span under the sender's trace (a new trace without one). */
export function runTracedJob<T>(queue: string, carrier: Carrier | undefined, run: () => Promise<T>): Promise<T> {
  if (!tracingEnabled()) return run();
  const parent = carrier ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;
  return withSpan(
    `job ${queue}`,
    { kind: SpanKind.CONSUMER, parent, attributes: { 'messaging.system': 'pg-boss', 'messaging.destination.name': queue, 'messaging.operation.type': 'process' } },
    run,
  );
}

// The platform's own spans: one tracer, and withSpan() to run work inside a span that becomes
// the parent of whatever the work does (SQL, HTTP calls). With tracing off it runs the work as
// is, so hot paths (DataLoader batches) pay nothing. Attributes are names fixed by code (a
// loader, a queue, a field's coordinate), never a caller's values.
import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { tracingEnabled } from './tracing';

/** The instrumentation scope of the spans this code makes. */
export const TRACER_NAME = 'loop-health';

export function tracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

export interface SpanOptions {
  attributes?: Attributes;
  kind?: SpanKind;
  /** Parent context (default: the active one). */
  parent?: Context;
}

/** Marks `span` failed with the error's class only: messages may quote a caller's values. */
export function markFailed(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
}

/** Runs `work` inside a new active span named `name`; just runs it when tracing is off. */
export async function withSpan<T>(name: string, options: SpanOptions, work: (span?: Span) => Promise<T>): Promise<T> {
  if (!tracingEnabled()) return work();
  return tracer().startActiveSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, options.parent ?? context.active(), async (span) => {
    try {
      return await work(span);
    } catch (error) {
      markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

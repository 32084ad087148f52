// Spans of a GraphQL server (every subgraph), as an Apollo Server plugin: one span per operation,
// a child of the HTTP request's span (and so of the gateway's fetch: the W3C `traceparent`
// the gateway sent), named `<type> <name>` after OpenTelemetry's GraphQL conventions, and one
// per resolver that took at least TRACING_RESOLVER_THRESHOLD_MS. Never the document or its
// variables: operation names are bounded like the metrics' labels (known names, else "other").
import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { ApolloServerPlugin } from '@apollo/server';
import { operationLabel } from './operation-label';
import { errorCodeLabel } from './request-metrics';
import { markFailed, tracer } from './spans';
import { resolverSpanThresholdMs, tracingEnabled } from './tracing';

export interface GraphqlTracingOptions {
  /** The service answering (`patient`, `labs`…): the span's `loop.service`. */
  service: string;
}

/** The gateway names a subgraph's part of an operation `<client's name>__<subgraph>__<n>`: the client's name. */
export function clientOperationName(name: string | null | undefined): string | null {
  return name ? name.split('__')[0] || null : null;
}

/** A resolver's span, made after the fact (only slow ones are kept), under the operation's span. */
function resolverSpan(operation: Span, coordinate: string, start: number, end: number, error: unknown): void {
  const span = tracer().startSpan(
    `graphql.resolve ${coordinate}`,
    { kind: SpanKind.INTERNAL, startTime: start, attributes: { 'graphql.field.coordinate': coordinate } },
    trace.setSpan(context.active(), operation),
  );
  if (error) markFailed(span, error);
  span.end(end);
}

export function graphqlTracingPlugin<C extends { operationName?: string | null }>(options: GraphqlTracingOptions): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      if (!tracingEnabled()) return {};
      const span = tracer().startSpan('graphql.operation', { kind: SpanKind.INTERNAL, attributes: { 'loop.service': options.service } });
      const threshold = resolverSpanThresholdMs();
      return {
        async didResolveOperation(requestContext) {
          const type = requestContext.operation?.operation ?? 'unknown';
          const name = operationLabel(requestContext.contextValue.operationName ?? clientOperationName(requestContext.operationName));
          span.updateName(`${type} ${name}`);
          span.setAttributes({ 'graphql.operation.type': type, 'graphql.operation.name': name });
        },
        async executionDidStart() {
          return {
            willResolveField({ info }) {
              const start = performance.now();
              return (error) => {
                const end = performance.now();
                if (end - start >= threshold) resolverSpan(span, `${info.parentType.name}.${info.fieldName}`, start, end, error);
              };
            },
          };
        },
        async willSendResponse(requestContext) {
          const body = requestContext.response.body;
          const errors = body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
          if (errors?.length) {
            const code = errorCodeLabel(errors[0].extensions?.code);
            span.setStatus({ code: SpanStatusCode.ERROR, message: code });
            span.setAttribute('graphql.error.code', code);
          }
          span.end();
        },
      };
    },
  };
}

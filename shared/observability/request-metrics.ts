// Request metrics of a GraphQL server (the gateway and every subgraph), as an Apollo Server
// plugin: how long each request took by operation name, type and outcome, and the errors its
// response carried, by `extensions.code`. Failures before a request starts (a token the gateway
// refuses while building the context) count as errors too.
import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { operationLabel, OTHER_OPERATION } from './operation-label';
import { counter, histogram, perService } from './service-metrics';

/** Request latency buckets, in seconds: from a cached read to the gateway's 10 s subgraph deadline. */
export const REQUEST_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** An error without a code (a library's plain error); codes are set by server code, never by clients. */
export const UNCODED_ERROR = 'NONE';
/** A code is a label value only when it looks like one (defensive: extensions are plain data). */
const CODE = /^[A-Z][A-Z0-9_]{1,63}$/;

export const requestMetrics = perService((registry) => ({
  duration: histogram(
    registry,
    'graphql_request_duration_seconds',
    'GraphQL requests served, by operation name (known names, else "other"), operation type and outcome (ok: no errors; error: at least one)',
    ['operation', 'operation_type', 'outcome'],
    REQUEST_DURATION_BUCKETS,
  ),
  errors: counter(registry, 'graphql_errors_total', 'Errors in GraphQL responses, by extensions.code and operation name', ['code', 'operation']),
}));

export function errorCodeLabel(code: unknown): string {
  return typeof code === 'string' && CODE.test(code) ? code : UNCODED_ERROR;
}

export interface RequestMetricsOptions {
  /** The service whose registry records the requests (`gateway`, a subgraph's name). */
  service: string;
}

/** The errors of the response (after formatError). */
function sentErrors(context: GraphQLRequestContextWillSendResponse<object>): readonly GraphQLFormattedError[] {
  const body = context.response.body;
  if (body.kind === 'single') return body.singleResult.errors ?? [];
  return body.initialResult.errors ?? [];
}

/**
 * Times every request. The operation's name comes from the context (`operationName`: what the
 * client named it; a subgraph receives the client's name from the gateway), bounded by
 * operationLabel(). Apollo runs every plugin's willSendResponse at once, so a rewrite another
 * plugin makes there after an await is not seen here.
 */
export function requestMetricsPlugin<C extends { operationName: string | null }>(options: RequestMetricsOptions): ApolloServerPlugin<C> {
  const metrics = requestMetrics(options.service);
  return {
    async contextCreationDidFail({ error }) {
      const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
      metrics.errors.inc({ code: errorCodeLabel(code), operation: OTHER_OPERATION });
    },
    async requestDidStart() {
      const stop = metrics.duration.startTimer();
      return {
        async willSendResponse(context) {
          const operation = operationLabel(context.contextValue.operationName ?? context.operationName);
          const errors = sentErrors(context as GraphQLRequestContextWillSendResponse<object>);
          for (const error of errors) metrics.errors.inc({ code: errorCodeLabel(error.extensions?.code), operation });
          stop({ operation, operation_type: context.operation?.operation ?? 'unknown', outcome: errors.length ? 'error' : 'ok' });
        },
      };
    },
  };
}

import type { ApolloServerPlugin } from '@apollo/server';
import client from 'prom-client';
import { registry } from '../shared/metrics';

const duration = new client.Histogram({
  name: 'graphql_request_duration_seconds',
  help: 'Gateway GraphQL requests by operation type and outcome',
  labelNames: ['operation', 'outcome'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

/** Times every request; the operation label is its type (query/mutation), not its name, to bound cardinality. */
export function requestMetricsPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const stop = duration.startTimer();
      return {
        async willSendResponse({ operation, errors }) {
          stop({ operation: operation?.operation ?? 'unknown', outcome: errors?.length ? 'error' : 'ok' });
        },
      };
    },
  };
}

// SQL statements by the service whose GraphQL request sent them. In the all-in-one process the
// SQL counter (../metrics.ts) is the process's; this one runs each subgraph request in an async
// scope naming its service, so the statements a request costs are counted on that service's own
// /metrics as `service_sql_statements_total` (the dashboard's statement-count test reads it).
// Only when SQL_STATEMENTS_BY_SERVICE is on: on Node 20 an AsyncLocalStorage scope makes every
// promise of the process carry it, which cost 15-25 % of the dashboard's throughput.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestHandler } from 'express';
import { counter, perService } from './service-metrics';

const scope = new AsyncLocalStorage<string>();

const statements = perService((registry) => counter(registry, 'service_sql_statements_total', "SQL statements sent while serving this service's GraphQL requests"));

export interface RequestSql {
  /** Express middleware: the rest of the request (its resolvers, loaders, audit) counts for the service. */
  middleware: RequestHandler;
  /** The same for an operation run without HTTP (shared/server/in-process.ts): `work` counts for the service. */
  during<T>(work: () => Promise<T>): Promise<T>;
}

/** Counting for `service` when `enabled` (SQL_STATEMENTS_BY_SERVICE); else nothing is scoped and nothing counted. */
export function requestSqlCounting(service: string, enabled: boolean): RequestSql {
  if (!enabled) return { middleware: (_req, _res, next) => next(), during: (work) => work() };
  return { middleware: (_req, _res, next) => scope.run(service, next), during: (work) => scope.run(service, work) };
}

/** Called once per statement sent (shared/db/database.ts). */
export function countStatementForRequest(): void {
  const service = scope.getStore();
  if (service) statements(service).inc();
}

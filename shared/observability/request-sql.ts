// SQL statements by the service whose GraphQL request sent them. In the all-in-one process the
// SQL counter (../metrics.ts) is the process's; this one runs each subgraph request in an async
// scope naming its service, so the statements a request costs are counted on that service's own
// /metrics as `service_sql_statements_total` (the dashboard's statement-count test reads it).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestHandler } from 'express';
import { counter, perService } from './service-metrics';

const scope = new AsyncLocalStorage<string>();

const statements = perService((registry) => counter(registry, 'service_sql_statements_total', "SQL statements sent while serving this service's GraphQL requests"));

/** Express middleware: the rest of the request (its resolvers, loaders, audit) counts for `service`. */
export function countSqlFor(service: string): RequestHandler {
  return (_req, _res, next) => scope.run(service, next);
}

/** The same for an operation run without HTTP (shared/server/in-process.ts): `work` counts for `service`. */
export function countSqlWhile<T>(service: string, work: () => Promise<T>): Promise<T> {
  return scope.run(service, work);
}

/** Called once per statement sent (shared/db/database.ts). */
export function countStatementForRequest(): void {
  const service = scope.getStore();
  if (service) statements(service).inc();
}

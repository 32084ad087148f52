// Process-wide Prometheus registry. In the embedded mode all services share one process,
// so the gateway's /metrics shows every service; scaled out, each process serves its own.
import client from 'prom-client';

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });

const sqlStatements = new client.Counter({
  name: 'db_sql_statements_total',
  help: 'SQL statements sent to the database by this process',
  registers: [registry],
});

/** SQL latency buckets, in seconds: an indexed lookup (~0.5 ms) to a slow report. */
export const SQL_DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

const sqlDuration = new client.Histogram({
  name: 'db_sql_duration_seconds',
  help: 'Time of SQL statements sent through Prisma by this process, by kind (query: rows back; execute: a write) and outcome',
  labelNames: ['statement', 'outcome'],
  buckets: SQL_DURATION_BUCKETS,
  registers: [registry],
});

export function countQuery(): void {
  sqlStatements.inc();
}

/** Times one statement and counts it once it has finished: `run` sends it. */
export async function measureQuery<T>(statement: 'query' | 'execute', run: () => Promise<T>): Promise<T> {
  const stop = sqlDuration.startTimer({ statement });
  let outcome = 'error';
  try {
    const result = await run();
    outcome = 'ok';
    return result;
  } finally {
    stop({ outcome });
    countQuery();
  }
}

export async function sqlStatementCount(): Promise<number> {
  const metric = await sqlStatements.get();
  return metric.values[0]?.value ?? 0;
}

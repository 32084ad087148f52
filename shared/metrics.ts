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

export function countQuery(): void {
  sqlStatements.inc();
}

export async function sqlStatementCount(): Promise<number> {
  const metric = await sqlStatements.get();
  return metric.values[0]?.value ?? 0;
}

// The dashboard hot path under concurrent load: requests/s, latency percentiles and SQL
// statements per request (from the gateway's /metrics, which counts the statements of the
// whole process in the embedded mode).
import autocannon from 'autocannon';
import { dashboardBody } from './harness/queries';
import { GraphQLHttpClient } from '../shared/graphql/http-client';

export interface LoadOptions {
  gatewayUrl: string;
  headers: Record<string, string>;
  patients: number;
  connections: number;
  durationSeconds: number;
}

export interface LoadReport {
  query: string;
  connections: number;
  durationSeconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  sqlStatementsPerRequest: number | null;
}


async function sqlStatements(url: string): Promise<number | null> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = text.match(/^db_sql_statements_total (\d+)/m);
  return match ? Number(match[1]) : null;
}

export async function loadDashboard(options: LoadOptions): Promise<LoadReport> {
  const body = dashboardBody(options.patients);
  const headers = { 'content-type': 'application/json', ...options.headers };
  const check = (await new GraphQLHttpClient({ url: `${options.gatewayUrl}/graphql`, headers: options.headers }).post(JSON.parse(body), { body })).body ?? { errors: ['no GraphQL answer'] };
  if (check.errors) throw new Error(`the dashboard query fails: ${JSON.stringify(check.errors).slice(0, 500)}`);
  const before = await sqlStatements(options.gatewayUrl);
  // autocannon reports p97.5, not p95: keep every response time and take the percentiles here.
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url: `${options.gatewayUrl}/graphql`, method: 'POST', headers, body, connections: options.connections, duration: options.durationSeconds },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  const after = await sqlStatements(options.gatewayUrl);
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] * 10) / 10;
  const requests = result.requests.total;
  return {
    query: `dashboard of ${options.patients} patients`,
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    requestsPerSecond: Math.round(result.requests.average * 10) / 10,
    latencyMs: { p50: percentile(50), p95: percentile(95), p99: percentile(99), max: result.latency.max },
    non2xx: result.non2xx,
    errors: result.errors,
    sqlStatementsPerRequest: before !== null && after !== null && requests ? Math.round(((after - before) / requests) * 10) / 10 : null,
  };
}

export const benchSettings = () => ({
  patients: Number(process.env.PATIENTS ?? 50),
  connections: Number(process.env.CONNECTIONS ?? 10),
  durationSeconds: Number(process.env.DURATION ?? 10),
});

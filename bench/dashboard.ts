// The patient-dashboard hot path under concurrent load, through the gateway.
//   npm run bench                       # against a running `npm start` on :4000
//   GATEWAY_URL=http://host:port CONNECTIONS=20 DURATION=15 PATIENTS=50 npm run bench
// Prints requests/s, latency p50/p95/p99 and SQL statements per request (the gateway's
// /metrics counts the statements of the whole process in the embedded mode).
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const url = process.env.GATEWAY_URL ?? 'http://127.0.0.1:4000';
const connections = Number(process.env.CONNECTIONS ?? 10);
const duration = Number(process.env.DURATION ?? 10);
const patients = Number(process.env.PATIENTS ?? 50);
const authorization = process.env.AUTHORIZATION;

const query = readFileSync(path.join(__dirname, '../clients/operations/dashboard.graphql'), 'utf8');
const today = new Date();
const to = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
const from = new Date(to.getTime() - 6 * 86_400_000);
const body = JSON.stringify({
  query,
  variables: { first: patients, statsFrom: from.toISOString().slice(0, 10), statsTo: to.toISOString().slice(0, 10) },
});
const headers: Record<string, string> = { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) };

async function sqlStatements(): Promise<number | null> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = text.match(/^db_sql_statements_total (\d+)/m);
  return match ? Number(match[1]) : null;
}

async function main() {
  const check = await (await fetch(`${url}/graphql`, { method: 'POST', headers, body })).json();
  if (check.errors) throw new Error(`the dashboard query fails: ${JSON.stringify(check.errors).slice(0, 500)}`);
  const before = await sqlStatements();
  // autocannon reports p97.5, not p95: keep every response time and take the percentiles here.
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url: `${url}/graphql`, method: 'POST', headers, body, connections, duration }, (error, done) =>
      error ? reject(error) : resolve(done),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] * 10) / 10;
  const after = await sqlStatements();
  const requests = result.requests.total;
  const report = {
    query: `dashboard of ${patients} patients`,
    connections,
    durationSeconds: duration,
    requestsPerSecond: Math.round(result.requests.average * 10) / 10,
    latencyMs: { p50: percentile(50), p95: percentile(95), p99: percentile(99), max: result.latency.max },
    non2xx: result.non2xx,
    errors: result.errors,
    sqlStatementsPerRequest: before !== null && after !== null && requests ? Math.round(((after - before) / requests) * 10) / 10 : null,
  };
  console.log(JSON.stringify(report, null, 2));
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});

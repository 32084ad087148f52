// The patient dashboard, the working tree against a baseline version, side by side in one run.
// Each version's whole stack runs as a child process on ports of its own, on a fresh database:
// PostgreSQL when DATABASE_URL is set (rules and audit on, as production runs), else the embedded
// PGlite. It runs twice: as `npm start` runs it (req/s, latency, SQL, audit rows, RSS; a version
// whose gateway calls its subgraphs in-process does so), then with every subgraph behind a timing
// proxy, so over HTTP, for the gateway's p95 against its slowest subgraph's. The working tree runs
// with the database's default SHARED_READS (`gather` on PostgreSQL, `join` on PGlite; `off` behind
// the proxies, where each request's own fetches are timed), then with each other mode (its
// connections share one token, so reads in flight can share; `off` shows the speed without). The
// baseline is a git worktree of BASELINE_REF (default 70efc1b, the state issue 16 measured) with its own `npm ci`.
//   npm run bench
//   DATABASE_URL=postgresql://… DATABASE_OWNER_URL=postgresql://… npm run bench
//   BASELINE_REF=main DURATION=20 PATIENTS=50 BASELINE_KEEP=1 npm run bench
//   REQUESTS=10 npm run bench     # a fixed number of requests per phase (a slow or busy machine)
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_BASELINE_REF, prepareBaselineTree } from './harness/baseline-tree';
import { startStackProcess, type StackProcess } from './harness/stack-process';
import { runLoadPhase, warnOfFailedRequests, type LoadPhaseResult } from './harness/load-phase';
import { runBenchmark } from './environment';
import { DASHBOARD_OPERATION, dashboardBody } from './harness/queries';
import { comparisonTable, type Row } from './harness/table';
import { round } from './harness/stats';
import { GraphQLHttpClient } from '../shared/graphql/http-client';
import { defaultSharedReads, SHARED_READS_MODES, type SharedReadsMode } from '../shared/config';

const settings = {
  baselineRef: process.env.BASELINE_REF ?? DEFAULT_BASELINE_REF,
  /** Keep the baseline checkout (and its node_modules) for the next run. */
  keepBaseline: process.env.BASELINE_KEEP === '1',
  patients: Number(process.env.PATIENTS ?? 50),
  durationSeconds: Number(process.env.DURATION ?? 10),
  /** REQUESTS=n: each measured phase sends n requests (10 connections: 3n) instead of running DURATION seconds. */
  requests: process.env.REQUESTS ? Number(process.env.REQUESTS) : undefined,
  warmupSeconds: Number(process.env.WARMUP ?? 3),
  /** Sequential requests counted for SQL statements and audit rows per request. */
  probeRequests: Number(process.env.PROBE_REQUESTS ?? 5),
  /** Ports: the baseline's stack on BENCH_PORT_BASE, the working tree's 20 above. */
  portBase: Number(process.env.BENCH_PORT_BASE ?? 7600),
};
const root = path.resolve(__dirname, '..');


async function sqlStatements(gatewayUrl: string): Promise<number> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  return [...text.matchAll(/^db_sql_statements_total(?:\{[^}]*\})? (\S+)/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
}

interface Measured {
  c1: LoadPhaseResult;
  c10: LoadPhaseResult;
  sqlPerRequest: number;
  auditRowsPerRequest: number;
  responseBytes: number;
  rssMb: number;
  /** The same phases with the subgraphs behind timing proxies: their gatewayOverSlowestSubgraph. */
  proxied: { c1: LoadPhaseResult; c10: LoadPhaseResult };
}

const amount = (connections: number) => (settings.requests ? settings.requests * (connections > 1 ? 3 : 1) : undefined);

async function warmUp(url: string, headers: Record<string, string>, body: string): Promise<void> {
  const warmup = await runLoadPhase({ url, headers, body, connections: 10, durationSeconds: settings.warmupSeconds });
  // autocannon stops sending at the deadline without waiting for answers in flight: let them finish.
  await new Promise((resolve) => setTimeout(resolve, Math.min(60_000, Math.max(1_000, warmup.latencyMs.p99 || 0))));
}

async function measure(stack: StackProcess, body: string): Promise<Omit<Measured, 'proxied'>> {
  const url = `${stack.gatewayUrl}/graphql`;
  const headers = { authorization: stack.authorization, 'content-type': 'application/json' };
  const client = new GraphQLHttpClient({ url, headers });
  const post = () => client.post<{ patients?: { edges: unknown[] } }>(JSON.parse(body), { body });
  const check = (await post()).body;
  if (check?.errors || !check?.data?.patients?.edges.length) throw new Error(`the dashboard query fails: ${JSON.stringify(check).slice(0, 500)}`);
  // SQL statements and audit rows: a few requests one after another, before any load (nothing else in flight).
  const from = new Date();
  const sqlBefore = await sqlStatements(stack.gatewayUrl);
  for (let i = 0; i < settings.probeRequests; i++) await post();
  const sqlAfter = await sqlStatements(stack.gatewayUrl);
  const to = new Date();
  await warmUp(url, headers, body);
  const c1 = await runLoadPhase({ url, headers, body, connections: 1, durationSeconds: settings.durationSeconds, amount: amount(1) });
  const c10 = await runLoadPhase({ url, headers, body, connections: 10, durationSeconds: settings.durationSeconds, amount: amount(10) });
  const rssMb = round(stack.rssMb(), 0);
  await stack.stop();
  const auditRows = await stack.auditRowsBetween(from, to, DASHBOARD_OPERATION);
  return {
    c1,
    c10,
    sqlPerRequest: round((sqlAfter - sqlBefore) / settings.probeRequests),
    auditRowsPerRequest: round(auditRows / settings.probeRequests),
    responseBytes: Buffer.byteLength(JSON.stringify(check)),
    rssMb,
  };
}

/** Each fetch timed by its subgraph's proxy: the gateway's p95 against the slowest subgraph's. */
async function measureProxied(stack: StackProcess, body: string): Promise<Measured['proxied']> {
  const url = `${stack.gatewayUrl}/graphql`;
  const headers = { authorization: stack.authorization, 'content-type': 'application/json' };
  await warmUp(url, headers, body);
  const c1 = await runLoadPhase({ url, headers, body, connections: 1, durationSeconds: settings.durationSeconds, amount: amount(1), proxies: stack.proxies });
  const c10 = await runLoadPhase({ url, headers, body, connections: 10, durationSeconds: settings.durationSeconds, amount: amount(10), proxies: stack.proxies });
  return { c1, c10 };
}

/** Starts a stack from `tree` for `label`'s measurements. */
function starter(label: string, tree: string, portBase: number, ownerAsApplication: boolean, extraEnv?: Record<string, string>) {
  return (timingProxies: boolean) => {
    console.error(`[${label}] starting the stack from ${tree}${timingProxies ? ', its subgraphs behind timing proxies' : ''}`);
    return startStackProcess({
      tree,
      label: timingProxies ? `${label}_proxied` : label,
      portBase,
      databaseUrl: process.env.DATABASE_URL || undefined,
      databaseOwnerUrl: process.env.DATABASE_OWNER_URL || undefined,
      ownerAsApplication,
      timingProxies,
      extraEnv,
    });
  };
}

/** The stack as shipped (with `extraEnv`), and again behind timing proxies (with `proxiedEnv` too). */
async function run(label: string, tree: string, portBase: number, body: string, ownerAsApplication: boolean, extraEnv?: Record<string, string>, proxiedEnv?: Record<string, string>): Promise<Measured> {
  const shipped = await starter(label, tree, portBase, ownerAsApplication, extraEnv)(false);
  let measured: Omit<Measured, 'proxied'>;
  try {
    console.error(`[${label}] measuring`);
    measured = await measure(shipped, body);
  } finally {
    await shipped.dispose();
  }
  const proxied = await starter(label, tree, portBase, ownerAsApplication, { ...extraEnv, ...proxiedEnv })(true);
  try {
    console.error(`[${label}] measuring behind the proxies`);
    return { ...measured, proxied: await measureProxied(proxied, body) };
  } finally {
    await proxied.dispose();
  }
}

/** The working tree's SHARED_READS by default on this run's database, and the modes measured beside it. */
const DEFAULT_MODE = defaultSharedReads(process.env.DATABASE_URL || undefined);
const OTHER_MODES = SHARED_READS_MODES.filter((mode) => mode !== DEFAULT_MODE);

/** The working tree with another SHARED_READS mode (its connections share one admin's token, so reads in flight can share). */
async function runMode(mode: SharedReadsMode, tree: string, portBase: number, body: string): Promise<Omit<Measured, 'proxied'>> {
  const label = `now, SHARED_READS=${mode}`;
  const stack = await starter(label, tree, portBase, false, { SHARED_READS: mode })(false);
  try {
    console.error(`[${label}] measuring`);
    return await measure(stack, body);
  } finally {
    await stack.dispose();
  }
}

function rows(baseline: Measured, now: Measured, others: Map<SharedReadsMode, Omit<Measured, 'proxied'>>): Row[] {
  const phase = (name: string, pick: (m: Measured) => LoadPhaseResult): Row[] => [
    { figure: `req/s, ${name}`, baseline: pick(baseline).requestsPerSecond, now: pick(now).requestsPerSecond },
    { figure: `p50 ms, ${name}`, baseline: pick(baseline).latencyMs.p50, now: pick(now).latencyMs.p50 },
    { figure: `p95 ms, ${name}`, baseline: pick(baseline).latencyMs.p95, now: pick(now).latencyMs.p95 },
    { figure: `p99 ms, ${name}`, baseline: pick(baseline).latencyMs.p99, now: pick(now).latencyMs.p99 },
  ];
  const ratio = (name: string, pick: (m: Measured['proxied']) => LoadPhaseResult): Row => ({
    figure: `gateway p95 ÷ slowest subgraph p95, ${name} (behind timing proxies)`,
    baseline: pick(baseline.proxied).gatewayOverSlowestSubgraph,
    now: pick(now.proxied).gatewayOverSlowestSubgraph,
  });
  return [
    ...phase('1 connection', (m) => m.c1),
    ...phase('10 connections', (m) => m.c10),
    ...[...others].flatMap(([mode, m]): Row[] => [
      { figure: `req/s, 1 connection, SHARED_READS=${mode}`, baseline: baseline.c1.requestsPerSecond, now: m.c1.requestsPerSecond },
      { figure: `req/s, 10 connections, SHARED_READS=${mode}`, baseline: baseline.c10.requestsPerSecond, now: m.c10.requestsPerSecond },
      { figure: `p95 ms, 10 connections, SHARED_READS=${mode}`, baseline: baseline.c10.latencyMs.p95, now: m.c10.latencyMs.p95 },
    ]),
    ratio('1 connection', (m) => m.c1),
    ratio('10 connections', (m) => m.c10),
    {
      figure: "gateway p95 ÷ p95 of each request's critical path in the subgraphs (its fetches' busy time, any stages), 1 connection (behind timing proxies)",
      baseline: baseline.proxied.c1.gatewayOverCriticalPath,
      now: now.proxied.c1.gatewayOverCriticalPath,
    },
    {
      figure: "the plan's floor: p95 of each request's critical path ÷ slowest subgraph p95, 1 connection (a gateway adding nothing scores this)",
      baseline: baseline.proxied.c1.criticalPathOverSlowestSubgraph,
      now: now.proxied.c1.criticalPathOverSlowestSubgraph,
    },
    { figure: 'SQL statements per request', baseline: baseline.sqlPerRequest, now: now.sqlPerRequest },
    { figure: 'audit rows per request', baseline: baseline.auditRowsPerRequest, now: now.auditRowsPerRequest },
    { figure: 'response bytes', baseline: baseline.responseBytes, now: now.responseBytes },
    { figure: 'RSS after load, MB (all services, one process)', baseline: baseline.rssMb, now: now.rssMb },
    ...[...others].map(([mode, m]): Row => ({ figure: `RSS after load, MB, SHARED_READS=${mode}`, baseline: baseline.rssMb, now: m.rssMb })),
  ];
}

async function main() {
  const body = dashboardBody(settings.patients);
  const tree = prepareBaselineTree({ repoDir: root, ref: settings.baselineRef, keep: settings.keepBaseline, log: (line) => console.error(`[baseline] ${line}`) });
  let baseline: Measured;
  try {
    // The baseline predates the owner/application role split: it migrates with DATABASE_URL.
    baseline = await run('baseline', tree.dir, settings.portBase, body, true);
  } finally {
    tree.remove();
  }
  const now = await run('now', root, settings.portBase + 20, body, false, { SHARED_READS: DEFAULT_MODE }, { SHARED_READS: 'off' });
  const others = new Map<SharedReadsMode, Omit<Measured, 'proxied'>>();
  for (const [i, mode] of OTHER_MODES.entries()) others.set(mode, await runMode(mode, root, settings.portBase + 40 + 20 * i, body));
  const cpus = os.cpus();
  const phases = settings.requests ? `${settings.requests} requests at 1 connection, ${settings.requests * 3} at 10` : `${settings.durationSeconds} s per phase`;
  console.log(`Dashboard of ${settings.patients} patients (${DASHBOARD_OPERATION}), ${phases}, as an admin, rules and audit on`);
  console.log(`Database: ${process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : 'embedded PGlite'}; baseline ${tree.commit.slice(0, 7)} (${settings.baselineRef}) vs the working tree`);
  console.log(`Machine: ${cpus.length} × ${cpus[0]?.model.trim()}, ${round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}\n`);
  console.log(`The working tree's rows without a mode are its default here, SHARED_READS=${DEFAULT_MODE}.`);
  console.log(comparisonTable(rows(baseline, now, others), { baseline: `baseline ${tree.commit.slice(0, 7)}`, now: 'now' }));
  console.log(`\nSubgraph p95 ms at 10 connections, behind the proxies: baseline ${JSON.stringify(baseline.proxied.c10.subgraphP95Ms)}; now ${JSON.stringify(now.proxied.c10.subgraphP95Ms)}`);
  warnOfFailedRequests([...[baseline, now].flatMap((m) => [m.c1, m.c10, m.proxied.c1, m.proxied.c10]), ...[...others.values()].flatMap((m) => [m.c1, m.c10])]);
}

runBenchmark(main);

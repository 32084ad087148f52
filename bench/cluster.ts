// Cluster mode (WORKERS) side by side in one run: the same working tree started with one worker
// and with WORKERS (default `auto`, one per core), on PostgreSQL with Redis (what cluster mode
// needs), each on a fresh database; the same queries at the same concurrency against each.
// No timing proxies (they would run in this process and cap the figure): each worker's gateway
// calls its own subgraphs as `npm start` does. The load generator shares the machine's cores
// with the stack: on 2 cores the ratio is the machine's, not the code's ceiling.
//   DATABASE_URL=… DATABASE_OWNER_URL=… REDIS_URL=… npm run bench:cluster
//   WORKERS=4 CONNECTIONS=20 DURATION=15 npm run bench:cluster
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStackProcess, type StackProcess } from './harness/stack-process';
import { runLoadPhase, warnOfFailedRequests, type LoadPhaseResult } from './harness/load-phase';
import { runBenchmark } from './environment';
import { comparisonTable } from './harness/table';
import { round } from './harness/stats';
import { treeMemory } from './harness/process-tree';
import { catalogBody, dashboardBody } from './harness/queries';

const settings = {
  workers: process.env.WORKERS ?? 'auto',
  connections: Number(process.env.CONNECTIONS ?? 10),
  durationSeconds: Number(process.env.DURATION ?? 10),
  warmupSeconds: Number(process.env.WARMUP ?? 3),
  /** Patients on the dashboard measured (the page's own size is 50; 10 keeps one request short). */
  dashboardPatients: Number(process.env.PATIENTS ?? 10),
  portBase: Number(process.env.BENCH_PORT_BASE ?? 8800),
};
const root = path.resolve(__dirname, '..');


/** Waits for the primary's "all workers ready" line (one worker: no primary, the process is the worker and ready already). */
async function allWorkersReady(logFile: string, workers: string, timeoutMs = 300_000): Promise<void> {
  if (workers === '1') return;
  const deadline = Date.now() + timeoutMs;
  while (!readFileSync(logFile, 'utf8').includes('"all workers ready"')) {
    if (Date.now() > deadline) throw new Error(`the workers were not all ready within ${timeoutMs} ms (${logFile})`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

interface Measured {
  dashboard: LoadPhaseResult;
  catalog: LoadPhaseResult;
  rssMb: number;
}

async function measure(label: string, workers: string, portBase: number): Promise<Measured> {
  console.error(`[${label}] starting the stack (WORKERS=${workers})`);
  const stack: StackProcess = await startStackProcess({
    tree: root,
    label,
    portBase,
    databaseUrl: process.env.DATABASE_URL,
    databaseOwnerUrl: process.env.DATABASE_OWNER_URL || undefined,
    timingProxies: false,
    // The response cache off: the catalog query measures work, not a cache hit.
    extraEnv: { LOG_LEVEL: 'info', WORKERS: workers, REDIS_URL: process.env.REDIS_URL!, RESPONSE_CACHE_TTL_SECONDS: '0' },
  });
  try {
    const url = `${stack.gatewayUrl}/graphql`;
    const signedIn = { authorization: stack.authorization };
    // /readyz answers once the first worker serves; the others join later (bin/cluster.ts logs it).
    await allWorkersReady(path.join(stack.dataDir, 'stack.log'), workers);
    const phase = (body: string, headers: Record<string, string>, durationSeconds: number) => runLoadPhase({ url, headers, body, connections: settings.connections, durationSeconds });
    const dashboard = dashboardBody(settings.dashboardPatients);
    const catalog = catalogBody();
    await phase(dashboard, signedIn, settings.warmupSeconds);
    await phase(catalog, {}, settings.warmupSeconds);
    console.error(`[${label}] measuring`);
    const result = { dashboard: await phase(dashboard, signedIn, settings.durationSeconds), catalog: await phase(catalog, {}, settings.durationSeconds), rssMb: round(treeMemory(stack.pid).totalMb) };
    return result;
  } finally {
    await stack.dispose();
  }
}

async function main() {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL) throw new Error('bench:cluster needs DATABASE_URL and REDIS_URL (cluster mode runs on PostgreSQL with Redis)');
  const one = await measure('one-worker', '1', settings.portBase);
  const many = await measure('workers', settings.workers, settings.portBase + 20);
  const cpus = os.cpus();
  console.log(`Cluster mode: WORKERS=1 vs WORKERS=${settings.workers}, ${settings.connections} connections, ${settings.durationSeconds} s per phase, PostgreSQL + Redis`);
  console.log(`Machine: ${cpus.length} × ${cpus[0]?.model.trim()}, ${round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${os.loadavg().map((v) => round(v, 2)).join(' ')}\n`);
  console.log(
    comparisonTable(
      [
        { figure: `dashboard (${settings.dashboardPatients} patients) req/s`, baseline: one.dashboard.requestsPerSecond, now: many.dashboard.requestsPerSecond },
        { figure: 'dashboard p95 ms', baseline: one.dashboard.latencyMs.p95, now: many.dashboard.latencyMs.p95 },
        { figure: 'public catalog (cache off) req/s', baseline: one.catalog.requestsPerSecond, now: many.catalog.requestsPerSecond },
        { figure: 'public catalog p95 ms', baseline: one.catalog.latencyMs.p95, now: many.catalog.latencyMs.p95 },
        { figure: 'RSS after load, MB (all processes)', baseline: one.rssMb, now: many.rssMb },
      ],
      { baseline: 'WORKERS=1', now: `WORKERS=${settings.workers}` },
    ),
  );
  warnOfFailedRequests([one.dashboard, one.catalog, many.dashboard, many.catalog]);
}

runBenchmark(main);

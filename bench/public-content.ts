// The public content catalog read anonymously (peptides, stacks, blog posts, FAQs), side by side
// in one run: the baseline version (BASELINE_REF, default 70efc1b), the working tree with its
// response cache off (RESPONSE_CACHE_TTL_SECONDS=0) and on (the default). Each stack runs as a
// child process on a fresh database (PostgreSQL with DATABASE_URL), as in bench/dashboard.ts.
//   npm run bench:content
//   CONNECTIONS=10 DURATION=10 BASELINE_KEEP=1 npm run bench:content
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_BASELINE_REF, prepareBaselineTree } from './harness/baseline-tree';
import { startStackProcess } from './harness/stack-process';
import { runLoadPhase, warnOfFailedRequests, type LoadPhaseResult } from './harness/load-phase';
import { CATALOG_QUERY, catalogBody } from './harness/queries';
import { runBenchmark } from './environment';
import { comparisonTable } from './harness/table';
import { round } from './harness/stats';
import { GraphQLHttpClient } from '../shared/graphql/http-client';

const settings = {
  baselineRef: process.env.BASELINE_REF ?? DEFAULT_BASELINE_REF,
  keepBaseline: process.env.BASELINE_KEEP === '1',
  connections: Number(process.env.CONNECTIONS ?? 10),
  durationSeconds: Number(process.env.DURATION ?? 10),
  warmupSeconds: Number(process.env.WARMUP ?? 3),
  portBase: Number(process.env.BENCH_PORT_BASE ?? 7660),
};
const root = path.resolve(__dirname, '..');


async function measure(label: string, tree: string, portBase: number, extraEnv: Record<string, string> = {}, ownerAsApplication = false): Promise<LoadPhaseResult> {
  console.error(`[${label}] starting the stack from ${tree}`);
  const stack = await startStackProcess({ tree, label, portBase, databaseUrl: process.env.DATABASE_URL || undefined, databaseOwnerUrl: process.env.DATABASE_OWNER_URL || undefined, ownerAsApplication, extraEnv });
  try {
    const url = `${stack.gatewayUrl}/graphql`;
    const body = catalogBody();
    const check = (await new GraphQLHttpClient({ url }).post<{ peptides: { edges: unknown[] } }>({ query: CATALOG_QUERY, operationName: 'PublicCatalog' })).body;
    if (check?.errors || !check?.data?.peptides.edges.length) throw new Error(`the catalog query fails: ${JSON.stringify(check).slice(0, 500)}`);
    await runLoadPhase({ url, headers: {}, body, connections: settings.connections, durationSeconds: settings.warmupSeconds });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    console.error(`[${label}] measuring`);
    return await runLoadPhase({ url, headers: {}, body, connections: settings.connections, durationSeconds: settings.durationSeconds, proxies: stack.proxies });
  } finally {
    await stack.dispose();
  }
}

async function main() {
  const tree = prepareBaselineTree({ repoDir: root, ref: settings.baselineRef, keep: settings.keepBaseline, log: (line) => console.error(`[baseline] ${line}`) });
  let baseline: LoadPhaseResult;
  try {
    baseline = await measure('baseline', tree.dir, settings.portBase, {}, true);
  } finally {
    tree.remove();
  }
  const uncached = await measure('uncached', root, settings.portBase + 20, { RESPONSE_CACHE_TTL_SECONDS: '0' });
  const cached = await measure('cached', root, settings.portBase + 40);
  const cpus = os.cpus();
  console.log(`Anonymous public catalog query (PublicCatalog), ${settings.connections} connections, ${settings.durationSeconds} s`);
  console.log(`Database: ${process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : 'embedded PGlite'}; baseline ${tree.commit.slice(0, 7)}`);
  console.log(`Machine: ${cpus.length} × ${cpus[0]?.model.trim()}, ${round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`);
  const figures = (a: LoadPhaseResult, b: LoadPhaseResult) => [
    { figure: 'req/s', baseline: a.requestsPerSecond, now: b.requestsPerSecond },
    { figure: 'p50 ms', baseline: a.latencyMs.p50, now: b.latencyMs.p50 },
    { figure: 'p95 ms', baseline: a.latencyMs.p95, now: b.latencyMs.p95 },
    { figure: 'p99 ms', baseline: a.latencyMs.p99, now: b.latencyMs.p99 },
  ];
  console.log(comparisonTable(figures(baseline, cached), { baseline: `baseline ${tree.commit.slice(0, 7)}`, now: 'now (response cache on)' }));
  console.log('');
  console.log(comparisonTable(figures(uncached, cached), { baseline: 'now, cache off', now: 'now, cache on' }));
  warnOfFailedRequests([baseline, uncached, cached]);
}

runBenchmark(main);

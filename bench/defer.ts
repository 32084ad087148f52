// The patient dashboard with and without @defer, side by side in one run on one stack: how soon
// the first part arrives (what a page can paint) against how long the whole answer takes. The
// whole query is answered as one JSON result (first part = whole); the deferred one
// (clients/operations/dashboard-deferred.graphql: labs with the health score, and wearable stats
// deferred) as multipart/mixed, read with meros as the SDK reads it. Requests alternate between
// the two so both see the same machine; the stack runs as a child process (bench/harness) on a
// fresh database: PostgreSQL when DATABASE_URL is set, else the embedded PGlite.
//   npm run bench:defer
//   REQUESTS=40 PATIENTS=50 npm run bench:defer
//   DATABASE_URL=postgresql://… DATABASE_OWNER_URL=postgresql://… npm run bench:defer
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { meros } from 'meros/browser';
import { startStackProcess } from './harness/stack-process';
import { percentile, round } from './harness/stats';
import { comparisonTable, type Row } from './harness/table';

const settings = {
  patients: Number(process.env.PATIENTS ?? 50),
  /** Measured requests of each kind (sequential, alternating). */
  requests: Number(process.env.REQUESTS ?? 20),
  /** Unmeasured requests of each kind first (plans, caches, connections). */
  warmup: Number(process.env.WARMUP_REQUESTS ?? 3),
  portBase: Number(process.env.BENCH_PORT_BASE ?? 7600),
};
const root = path.resolve(__dirname, '..');

function body(operation: 'dashboard' | 'dashboard-deferred'): string {
  const query = readFileSync(path.join(root, `clients/operations/${operation}.graphql`), 'utf8');
  const today = new Date();
  const to = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
  const from = new Date(to.getTime() - 6 * 86_400_000);
  return JSON.stringify({ query, variables: { first: settings.patients, statsFrom: from.toISOString().slice(0, 10), statsTo: to.toISOString().slice(0, 10) } });
}

interface Timing {
  firstPartMs: number;
  wholeMs: number;
  parts: number;
}

/** One request: milliseconds to its first part and to its last, and how many parts. */
async function timed(url: string, headers: Record<string, string>, payload: string): Promise<Timing> {
  const started = performance.now();
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers, body: payload });
  const parts = await meros<{ errors?: unknown[]; incremental?: { errors?: unknown[] }[] }>(response);
  if (parts instanceof Response) {
    const result = (await parts.json()) as { errors?: unknown[] };
    if (result.errors?.length) throw new Error(`the whole query failed: ${JSON.stringify(result.errors).slice(0, 300)}`);
    const wholeMs = performance.now() - started;
    return { firstPartMs: wholeMs, wholeMs, parts: 1 };
  }
  let firstPartMs = NaN;
  let count = 0;
  for await (const part of parts) {
    if (!count) firstPartMs = performance.now() - started;
    count += 1;
    const errors = [...((part.body as { errors?: unknown[] }).errors ?? []), ...((part.body as { incremental?: { errors?: unknown[] }[] }).incremental ?? []).flatMap((item) => item.errors ?? [])];
    if (errors.length) throw new Error(`a part failed: ${JSON.stringify(errors).slice(0, 300)}`);
  }
  return { firstPartMs, wholeMs: performance.now() - started, parts: count };
}

async function main(): Promise<void> {
  console.log(`@defer benchmark: dashboard of ${settings.patients} patients, ${settings.requests} sequential requests of each kind (alternating), ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`);
  const stack = await startStackProcess({ tree: root, portBase: settings.portBase, label: 'defer', databaseUrl: process.env.DATABASE_URL, databaseOwnerUrl: process.env.DATABASE_OWNER_URL });
  try {
    const whole = { payload: body('dashboard'), headers: { authorization: stack.authorization, 'content-type': 'application/json', accept: 'application/json' } };
    const deferred = { payload: body('dashboard-deferred'), headers: { authorization: stack.authorization, 'content-type': 'application/json', accept: 'multipart/mixed; deferSpec=20220824, application/json;q=0.9' } };
    for (let i = 0; i < settings.warmup; i++) {
      await timed(stack.gatewayUrl, whole.headers, whole.payload);
      await timed(stack.gatewayUrl, deferred.headers, deferred.payload);
    }
    const results = { whole: [] as Timing[], deferred: [] as Timing[] };
    for (let i = 0; i < settings.requests; i++) {
      results.whole.push(await timed(stack.gatewayUrl, whole.headers, whole.payload));
      results.deferred.push(await timed(stack.gatewayUrl, deferred.headers, deferred.payload));
    }
    const figure = (timings: Timing[], pick: (t: Timing) => number, p: number) => percentile(timings.map(pick), p);
    const rows: Row[] = [];
    for (const p of [50, 95]) {
      rows.push({ figure: `time to first part p${p} (ms)`, baseline: figure(results.whole, (t) => t.firstPartMs, p), now: figure(results.deferred, (t) => t.firstPartMs, p) });
      rows.push({ figure: `time to whole response p${p} (ms)`, baseline: figure(results.whole, (t) => t.wholeMs, p), now: figure(results.deferred, (t) => t.wholeMs, p) });
    }
    const ratio = (timings: Timing[]) => percentile(timings.map((t) => t.firstPartMs / t.wholeMs), 50);
    rows.push({ figure: 'first part ÷ whole response, p50 of each request', baseline: ratio(results.whole), now: ratio(results.deferred) });
    rows.push({ figure: 'parts per response', baseline: results.whole[0].parts, now: results.deferred[0].parts });
    console.log(comparisonTable(rows, { baseline: 'without @defer (JSON)', now: 'with @defer (multipart)' }));
    const firstVsWhole = percentile(results.deferred.map((t) => t.firstPartMs), 50) / percentile(results.whole.map((t) => t.wholeMs), 50);
    console.log(`\nWith @defer the first part (patients, protocols, conversations) arrives after ${round(firstVsWhole * 100, 0)}% of the time the whole dashboard takes without it (p50 ÷ p50).`);
  } finally {
    await stack.dispose();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

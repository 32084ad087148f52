// `npm start` itself, the working tree against a baseline version, side by side in one run: how
// long from `npm start` to a 200 from the gateway's /readyz, on a fresh data folder (migrate and
// seed) and again on the data it left (the everyday start), and the resident memory of every
// process of the stack (npm, its shell, Node) once it has been idle a while. Embedded PGlite (no
// DATABASE_URL): the all-in-one process a developer runs. The baseline is a git worktree of
// BASELINE_REF (default 70efc1b, the state issue 16 measured) with its own `npm ci`; its `npm
// start` runs its own prestart as it did then.
//   npm run bench:process
//   RUNS=5 IDLE_SECONDS=20 BASELINE_KEEP=1 BASELINE_DIR=/tmp/base npm run bench:process
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_BASELINE_REF, prepareBaselineTree } from './harness/baseline-tree';
import { childEnv, DEFAULT_READY_TIMEOUT_MS, STOP_GRACE_MS } from './harness/stack-process';
import { treeMemory } from './harness/process-tree';
import { runBenchmark } from './environment';
import { comparisonTable } from './harness/table';
import { percentile, round } from './harness/stats';

const settings = {
  baselineRef: process.env.BASELINE_REF ?? DEFAULT_BASELINE_REF,
  /** Keep the baseline checkout (and its node_modules) for the next run. */
  keepBaseline: process.env.BASELINE_KEEP === '1',
  /** Where to check the baseline out (default: a folder in the temporary directory named after its commit). */
  baselineDir: process.env.BASELINE_DIR || undefined,
  /** Starts on existing data per version (the figures are their medians). */
  runs: Number(process.env.RUNS ?? 3),
  /** How long the stack sits idle after ready before its memory is read. */
  idleSeconds: Number(process.env.IDLE_SECONDS ?? 10),
  /** How often /readyz is asked while starting. */
  pollMs: 50,
  /** Ports: the baseline's stack on BENCH_PORT_BASE, the working tree's 20 above. */
  portBase: Number(process.env.BENCH_PORT_BASE ?? 7650),
};
const root = path.resolve(__dirname, '..');

interface Start {
  readyMs: number;
  /** Every process of the stack, MB. */
  idleRssMb: number;
  /** The largest one (the Node process serving), MB. */
  mainRssMb: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to the whole process group (npm, its shell, Node), SIGKILL after STOP_GRACE_MS; resolves once every one is gone. */
async function stopGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid!;
  if (!groupAlive(pid)) return;
  process.kill(-pid, 'SIGTERM');
  const deadline = Date.now() + STOP_GRACE_MS;
  while (groupAlive(pid)) {
    if (Date.now() > deadline) process.kill(-pid, 'SIGKILL');
    await sleep(100);
  }
}

/** One `npm start` in `tree` on `dataDir`: time to /readyz, then idle memory, then stopped. */
async function startOnce(label: string, tree: string, dataDir: string, portBase: number): Promise<Start> {
  const logFile = path.join(dataDir, `${label}.log`);
  const out = createWriteStream(logFile, { flags: 'a' });
  const env = childEnv({ PORT_BASE: String(portBase), DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  const started = performance.now();
  // Its own process group, so the stop reaches npm's children too.
  const child = spawn('npm', ['start'], { cwd: tree, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  try {
    const url = `http://127.0.0.1:${portBase}/readyz`;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`[${label}] npm start exited (${child.exitCode}); see ${logFile}`);
      if (performance.now() - started > DEFAULT_READY_TIMEOUT_MS) throw new Error(`[${label}] not ready within ${DEFAULT_READY_TIMEOUT_MS} ms; see ${logFile}`);
      if ((await fetch(url).then((r) => r.status, () => 0)) === 200) break;
      await sleep(settings.pollMs);
    }
    const readyMs = performance.now() - started;
    await sleep(settings.idleSeconds * 1000);
    const memory = treeMemory(child.pid!);
    console.error(`[${label}] ready in ${round(readyMs, 0)} ms; idle RSS ${memory.processes.map((p) => `${round(p.rssMb, 0)} MB ${p.command}`).join(', ')}`);
    return { readyMs, idleRssMb: memory.totalMb, mainRssMb: Math.max(...memory.processes.map((p) => p.rssMb)) };
  } finally {
    await stopGroup(child);
    out.end();
  }
}

interface Version {
  label: string;
  tree: string;
  portBase: number;
  dataDir: string;
  fresh?: Start;
  existing: Start[];
}

const median = (values: number[]) => percentile(values, 50);

async function main() {
  const tree = prepareBaselineTree({ repoDir: root, ref: settings.baselineRef, dir: settings.baselineDir, keep: settings.keepBaseline, log: (line) => console.error(`[baseline] ${line}`) });
  // The working tree's prestart builds what is missing once (a checkout's first start); the timed starts find it done, as every later start does.
  execFileSync('node', ['scripts/prestart.mjs'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const versions: Version[] = [
    { label: 'baseline', tree: tree.dir, portBase: settings.portBase, dataDir: mkdtempSync(path.join(os.tmpdir(), 'loop-bench-process-baseline-')), existing: [] },
    { label: 'now', tree: root, portBase: settings.portBase + 20, dataDir: mkdtempSync(path.join(os.tmpdir(), 'loop-bench-process-now-')), existing: [] },
  ];
  try {
    for (const version of versions) version.fresh = await startOnce(`${version.label} fresh`, version.tree, version.dataDir, version.portBase);
    // Alternated, so a change in the machine's load falls on both versions alike.
    for (let run = 1; run <= settings.runs; run++) {
      for (const version of versions) version.existing.push(await startOnce(`${version.label} existing #${run}`, version.tree, version.dataDir, version.portBase));
    }
  } finally {
    for (const version of versions) rmSync(version.dataDir, { recursive: true, force: true });
    tree.remove();
  }
  const [baseline, now] = versions;
  const figure = (pick: (start: Start) => number) => (version: Version) => median(version.existing.map(pick));
  const rows = [
    { figure: 'npm start → /readyz ms, fresh data folder (migrate, seed)', pick: (v: Version) => v.fresh!.readyMs },
    { figure: `npm start → /readyz ms, existing data (median of ${settings.runs})`, pick: figure((s) => s.readyMs) },
    { figure: `idle RSS MB, all processes, ${settings.idleSeconds} s after ready, fresh data folder`, pick: (v: Version) => v.fresh!.idleRssMb },
    { figure: `idle RSS MB, all processes, ${settings.idleSeconds} s after ready, existing data`, pick: figure((s) => s.idleRssMb) },
    { figure: 'idle RSS MB, the serving Node process, existing data', pick: figure((s) => s.mainRssMb) },
  ].map((row) => ({ figure: row.figure, baseline: round(row.pick(baseline), 0), now: round(row.pick(now), 0) }));
  const cpus = os.cpus();
  console.log(`npm start on embedded PGlite: baseline ${tree.commit.slice(0, 7)} (${settings.baselineRef}) vs the working tree`);
  console.log(`Machine: ${cpus.length} × ${cpus[0]?.model.trim()}, ${round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${os.loadavg().map((v) => round(v, 2)).join(' ')}\n`);
  console.log(comparisonTable(rows, { baseline: `baseline ${tree.commit.slice(0, 7)}`, now: 'now' }));
}

runBenchmark(main);

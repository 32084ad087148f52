// npm run bench:gateways — this gateway beside its peers, in one run on this machine: stock
// @apollo/gateway (bench/peers/apollo-stock.ts) and Hive Gateway as shipped (bench/peers/hive.config.ts),
// and this gateway as it was at BASELINE_REF (default 98e51ac: before the undici pool),
// all serving the same supergraph against the same running subgraphs, one gateway loaded at a time.
// Two scenarios:
// - this project: its six subgraphs in one process (PGlite, demo data, a gateway of their own for their
//   calls to the graph), the dashboard (signed in)
//   and the public catalog (signed in: no response cache; and anonymous, which ours may cache);
// - The Guild's graphql-gateways-benchmark: its four subgraphs (bench/guild) and nested TestQuery,
//   the supergraph given to our gateway by SUPERGRAPH_PATH.
// Each gateway's answer is compared with stock's first (differences are printed); then req/s,
// latency, the gateway process's peak RSS and CPU per request, and the machine's load average.
// Every Node process here runs with the Node flags of this project's `npm start` (a larger young
// generation): the gateways are compared, not their runtime settings.
// Settings: DURATION (s, default 10), CONNECTIONS (10), PATIENTS (50), GATEWAYS_PORT_BASE (4300),
// BASELINE_REF (default 98e51ac; `none` to skip), PEERS (comma list of stock,hive,baseline,ours),
// QUERIES (comma list of dashboard,catalog,anonymous,guild).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { prepareBaselineTree, type BaselineTree } from './harness/baseline-tree';
import os from 'node:os';
import path from 'node:path';
import { catalogBody, dashboardBody } from './harness/queries';
import { runLoadPhase, warnOfFailedRequests, type LoadPhaseResult } from './harness/load-phase';
import { round } from './harness/stats';
import { testQueryBody } from './guild/subgraphs';
import { SUBGRAPHS } from './harness/stack-process';
import { startNodeFlags } from '../scripts/start-flags';

const ROOT = path.resolve(__dirname, '..');
const DURATION = Number(process.env.DURATION ?? 10);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 10);
const PATIENTS = Number(process.env.PATIENTS ?? 50);
const BASE = Number(process.env.GATEWAYS_PORT_BASE ?? 4300);
/** The gateway before issue 16's upstream work (the undici pool, in-flight sharing); BASELINE_REF overrides, `none` skips it. */
const BASELINE_REF = process.env.BASELINE_REF ?? '98e51ac';
/** Operation limits of ours that the benchmark's TestQuery (lists nested seven deep) exceeds as an anonymous caller. */
const GUILD_LIMITS = { LIMIT_COST_ANONYMOUS: '10000000', LIMIT_COST: '10000000' };
/** How long a gateway may take to answer its first request after starting. */
const READY_TIMEOUT_MS = 180_000;
/** The Node flags every process gets (see the file's opening comment). */
const NODE_FLAGS = startNodeFlags(ROOT);

type GatewayName = 'stock' | 'hive' | 'baseline' | 'ours';
const LABELS: Record<GatewayName, string> = { stock: 'stock @apollo/gateway', hive: 'Hive Gateway', baseline: `ours at ${BASELINE_REF}`, ours: 'ours' };
const PEERS = (process.env.PEERS ?? 'stock,hive,baseline,ours').split(',') as GatewayName[];
/** Which queries run: dashboard, catalog (signed in), anonymous (the catalog), guild (TestQuery). */
const QUERIES = (process.env.QUERIES ?? 'dashboard,catalog,anonymous,guild').split(',');

interface Running {
  name: GatewayName;
  url: string;
  child: ChildProcess;
}

const logDir = mkdtempSync(path.join(os.tmpdir(), 'loop-bench-gateways-'));
const children: ChildProcess[] = [];

function start(label: string, command: string, args: string[], cwd: string, env: Record<string, string>): ChildProcess {
  const out = createWriteStream(path.join(logDir, `${label}.log`));
  const nodeArgs = command === process.execPath ? [...NODE_FLAGS, ...args] : args;
  const child = spawn(command, nodeArgs, { cwd, env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  children.push(child);
  return child;
}

async function waitFor(label: string, check: () => Promise<boolean>, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${label} exited (${child.exitCode}): ${readFileSync(path.join(logDir, `${label}.log`), 'utf8').slice(-1500)}`);
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${label} not ready in ${READY_TIMEOUT_MS} ms (log in ${logDir})`);
}

const post = async (url: string, body: string, headers: Record<string, string>) => {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, json: (await response.json().catch(() => null)) as { data?: unknown; errors?: unknown[] } | null };
};

let baseline: BaselineTree | undefined;

/** The baseline's source tree (bench/harness/baseline-tree.ts: a worktree of BASELINE_REF with its own `npm ci`; BASELINE_KEEP=1 keeps it). */
function baselineTree(): string {
  baseline ??= prepareBaselineTree({ repoDir: ROOT, ref: BASELINE_REF, keep: process.env.BASELINE_KEEP === '1', log: (line) => console.log(line) });
  return baseline.dir;
}

/** Starts the gateways named in PEERS on ports from `port`, all serving `supergraphPath`. */
async function startGateways(scenario: string, port: number, supergraphPath: string, env: Record<string, string>, probe: string, headers: Record<string, string>): Promise<Running[]> {
  const running: Running[] = [];
  const hive = path.join(ROOT, 'node_modules/@graphql-hive/gateway/dist/bin.js');
  for (const [i, name] of PEERS.entries()) {
    const gatewayPort = port + i;
    const label = `${scenario}-${name}`;
    let child: ChildProcess;
    if (name === 'stock') child = start(label, process.execPath, ['--import', 'tsx', 'bench/peers/apollo-stock.ts'], ROOT, { ...env, SUPERGRAPH_PATH: supergraphPath, PORT: String(gatewayPort) });
    else if (name === 'hive') child = start(label, process.execPath, [hive, 'supergraph', supergraphPath, '-c', path.join(ROOT, 'bench/peers/hive.config.ts'), '--host', '127.0.0.1', '--port', String(gatewayPort)], ROOT, env);
    else if (name === 'ours') child = start(label, process.execPath, ['--import', 'tsx', 'bin/start.ts'], ROOT, { ...env, SERVICES: 'gateway', PORT: String(gatewayPort), SUPERGRAPH_PATH: supergraphPath });
    else {
      if (scenario !== 'project' || BASELINE_REF === 'none') continue;
      child = start(label, process.execPath, ['--import', 'tsx', 'bin/start.ts'], baselineTree(), { ...env, SERVICES: 'gateway', PORT: String(gatewayPort) });
    }
    const url = `http://127.0.0.1:${gatewayPort}`;
    await waitFor(label, async () => (await post(url, probe, headers)).json?.data !== undefined, child);
    running.push({ name, url, child });
  }
  return running;
}

/** Resident memory (MB) and CPU seconds used so far, of one process. */
function usage(pid: number): { rssMb: number; cpuSeconds: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]);
  const rssPages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
  return { rssMb: (rssPages * 4096) / 1024 / 1024, cpuSeconds: ticks / 100 };
}

interface Measured {
  phase: LoadPhaseResult;
  peakRssMb: number;
  cpuMsPerRequest: number;
  load1: number;
}

async function measure(gateway: Running, body: string, headers: Record<string, string>): Promise<Measured> {
  const pid = gateway.child.pid!;
  // Warm: plans cached, pools open, JIT warm.
  await runLoadPhase({ url: `${gateway.url}/graphql`, headers, body, connections: CONNECTIONS, durationSeconds: Math.max(2, Math.round(DURATION / 4)) });
  const before = usage(pid);
  let peakRssMb = before.rssMb;
  const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, usage(pid).rssMb)), 250);
  const phase = await runLoadPhase({ url: `${gateway.url}/graphql`, headers, body, connections: CONNECTIONS, durationSeconds: DURATION });
  clearInterval(sampler);
  const after = usage(pid);
  peakRssMb = Math.max(peakRssMb, after.rssMb);
  return { phase, peakRssMb, cpuMsPerRequest: phase.requests ? ((after.cpuSeconds - before.cpuSeconds) * 1000) / phase.requests : NaN, load1: os.loadavg()[0] };
}

/** Canonical JSON (keys sorted) for comparing answers. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as object).sort(([a], [b]) => a.localeCompare(b))) : v));

/** The first place two answers differ, as a path, or null when identical. */
function firstDifference(a: unknown, b: unknown, at = '$'): string | null {
  if (canonical(a) === canonical(b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
    for (const key of keys) {
      const found = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${at}.${key}`);
      if (found) return found;
    }
  }
  return `${at}: ${JSON.stringify(a)?.slice(0, 120)} vs ${JSON.stringify(b)?.slice(0, 120)}`;
}

interface Query {
  name: string;
  body: string;
  headers: Record<string, string>;
}

const ratio = (value: number, of: number) => (of && Number.isFinite(value / of) ? String(Number((value / of).toPrecision(3))) : 'n/a');

async function runScenario(title: string, gateways: Running[], queries: Query[]): Promise<void> {
  console.log(`\n## ${title}\n`);
  for (const query of queries) {
    // Figures of error answers measure nothing: say so above the table.
    for (const gateway of gateways) {
      const answer = await post(gateway.url, query.body, query.headers);
      if (answer.status !== 200 || !answer.json?.data || answer.json.errors) console.log(`WARNING: ${LABELS[gateway.name]} answers ${query.name} with errors before its run: its figures below are not valid`);
    }
    const results = new Map<GatewayName, Measured>();
    for (const gateway of gateways) results.set(gateway.name, await measure(gateway, query.body, query.headers));
    warnOfFailedRequests([...results.values()].map((result) => result.phase));
    const names = gateways.map((gateway) => gateway.name);
    const stock = results.get('stock');
    const hive = results.get('hive');
    console.log(`\n### ${query.name}: ${CONNECTIONS} connections, ${DURATION} s each\n`);
    console.log(`| figure | ${names.map((name) => LABELS[name]).join(' | ')} | ours ÷ stock | ours ÷ Hive |`);
    console.log(`|---|${names.map(() => '---:').join('|')}|---:|---:|`);
    const row = (figure: string, of: (m: Measured) => number) => {
      const ours = results.get('ours');
      console.log(`| ${figure} | ${names.map((name) => String(round(of(results.get(name)!), 1))).join(' | ')} | ${ours && stock ? ratio(of(ours), of(stock)) : 'n/a'} | ${ours && hive ? ratio(of(ours), of(hive)) : 'n/a'} |`);
    };
    row('req/s', (m) => m.phase.requestsPerSecond);
    row('p50 ms', (m) => m.phase.latencyMs.p50);
    row('p95 ms', (m) => m.phase.latencyMs.p95);
    row('p99 ms', (m) => m.phase.latencyMs.p99);
    row('peak RSS MB', (m) => m.peakRssMb);
    row('gateway CPU ms / request', (m) => m.cpuMsPerRequest);
    row('machine load (1 min) after', (m) => m.load1);
  }
  // Answers compared once every gateway is warm (plans cached, subgraphs' caches filled): stock's is the reference.
  console.log('');
  for (const query of queries) {
    // One at a time: concurrent dashboards on busy subgraphs would compare timeouts, not gateways.
    const answers: { gateway: Running; answer: Awaited<ReturnType<typeof post>> }[] = [];
    for (const gateway of gateways) answers.push({ gateway, answer: await post(gateway.url, query.body, query.headers) });
    const reference = answers[0];
    for (const { gateway, answer } of answers) {
      if (answer.json?.errors) console.log(`${query.name}: ${LABELS[gateway.name]} answered errors: ${JSON.stringify(answer.json.errors).slice(0, 300)}`);
      if (gateway === reference.gateway) continue;
      const difference = firstDifference(reference.answer.json, answer.json);
      console.log(`${query.name}: ${LABELS[gateway.name]} vs ${LABELS[reference.gateway.name]}: ${difference ? `DIFFERENT at ${difference}` : 'identical'}`);
    }
  }
}

async function runAll(): Promise<void> {
  console.log(`# Gateways side by side — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${round(os.totalmem() / 2 ** 30, 1)} GB, Node ${process.version}; load average at start ${os.loadavg().map((l) => round(l, 2)).join(' / ')}`);
  console.log(`logs: ${logDir}`);
  // This project's subgraphs in one process of their own (PGlite, seeded); every gateway signs with the key in DATA_DIR.
  const dataDir = path.join(logDir, 'data');
  const projectEnv: Record<string, string> = { DATA_DIR: dataDir, PORT_BASE: String(BASE), NODE_ENV: 'development' };
  // With a gateway of their own on BASE: the subgraphs' own calls to the graph (GATEWAY_URL: the protocols'
  // catalog rules) go there, the same for every gateway measured, never to the one under load.
  if (!QUERIES.some((query) => query !== 'guild')) return runGuild();
  const subgraphs = start('project-subgraphs', process.execPath, ['--import', 'tsx', 'bin/start.ts'], ROOT, { ...projectEnv, SEED: 'true' });
  const keyFile = path.join(dataDir, 'gateway-trust/signing-key.json');
  // Its key file too: proof that what answers on BASE is this process, not one left on the port.
  await waitFor('project-subgraphs', async () => existsSync(keyFile) && (await fetch(`http://127.0.0.1:${BASE}/readyz`)).ok, subgraphs);
  // The project's supergraph routed to where its subgraphs run here, for every gateway (ours reads SUPERGRAPH_PATH too).
  const projectSupergraph = path.join(logDir, 'project-supergraph.graphql');
  writeFileSync(projectSupergraph, readFileSync(path.join(ROOT, 'schema/supergraph.graphql'), 'utf8').replace(/@join__graph\(name: "(\w+)", url: "[^"]*"\)/g, (_match, name: string) => `@join__graph(name: "${name}", url: "http://127.0.0.1:${BASE + 1 + SUBGRAPHS.indexOf(name as (typeof SUBGRAPHS)[number])}/graphql")`));
  const token = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/token.ts', '--role', 'admin', '--sub', 'user_bench'], { cwd: ROOT, env: { ...process.env, ...projectEnv }, encoding: 'utf8' }).trim().split('\n').pop()!;
  const signedIn = { authorization: `Bearer ${token}` };
  const dashboard = dashboardBody(PATIENTS);
  // The peers sign with the development gateway key the subgraphs made in DATA_DIR (bench/peers/sign.ts).
  const { privateJwk } = JSON.parse(readFileSync(keyFile, 'utf8')) as { privateJwk: object };
  const project = await startGateways('project', BASE + 20, projectSupergraph, { ...projectEnv, PEER_SIGNING_JWK: JSON.stringify(privateJwk) }, catalogBody(), signedIn);
  try {
    await runScenario(`This project's supergraph (6 subgraphs in one process, PGlite)`, project, [
      { key: 'dashboard', name: `dashboard (${PATIENTS} patients, signed in)`, body: dashboard, headers: signedIn },
      { key: 'catalog', name: 'public catalog, signed in', body: catalogBody(), headers: signedIn },
      { key: 'anonymous', name: 'public catalog, anonymous', body: catalogBody(), headers: {} },
    ].filter((query) => QUERIES.includes(query.key)));
  } finally {
    for (const gateway of project) gateway.child.kill('SIGTERM');
    subgraphs.kill('SIGTERM');
  }
  await runGuild();
}

async function runGuild(): Promise<void> {
  if (!QUERIES.includes('guild')) return;
  // The Guild's scenario: its four subgraphs in a process of their own, the composed file given to every gateway.
  const supergraphPath = path.join(logDir, 'guild-supergraph.graphql');
  const guild = start('guild-subgraphs', process.execPath, ['--import', 'tsx', 'bench/guild/serve.ts'], ROOT, { GUILD_PORT_BASE: String(BASE + 40), SUPERGRAPH_OUT: supergraphPath });
  await waitFor('guild-subgraphs', async () => existsSync(supergraphPath) && readFileSync(path.join(logDir, 'guild-subgraphs.log'), 'utf8').includes('ready'), guild);
  const guildEnv = { DATA_DIR: path.join(logDir, 'guild-data'), NODE_ENV: 'development', ...GUILD_LIMITS };
  const guildGateways = await startGateways('guild', BASE + 70, supergraphPath, guildEnv, testQueryBody(), {});
  try {
    await runScenario("The Guild's graphql-gateways-benchmark (accounts, inventory, products, reviews)", guildGateways, [{ name: 'TestQuery', body: testQueryBody(), headers: {} }]);
  } finally {
    for (const gateway of guildGateways) gateway.child.kill('SIGTERM');
    guild.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  await runAll();
  console.log(`\nload average at the end ${os.loadavg().map((l) => round(l, 2)).join(' / ')}`);
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(path.join(logDir, 'data'), { recursive: true, force: true });
    baseline?.remove();
  });

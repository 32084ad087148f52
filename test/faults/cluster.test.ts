// Cluster mode (WORKERS, bin/cluster.ts), in the multi-process suite (it needs PostgreSQL and
// Redis): `npm start` with WORKERS=2 runs two workers sharing the ports, both serving; a scrape of
// /metrics on the shared port counts what every worker served; a worker killed with SIGKILL is
// replaced while the other keeps serving, and a replacement that dies before it is ready is tried
// again, up to a cap after which the primary says it gave up; SIGTERM to the primary drains every
// worker and exits 0 within the grace period.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { seededScratchPlace, type SeededPlace } from '../support/database';
import { startPrivateRedis, type PrivateRedis } from '../support/redis';
import { ROOT, waitFor } from '../support/stack';
import { eventually } from '../support/ws';
import { MAX_RESPAWN_ATTEMPTS } from '../../bin/cluster';

/** The run's ports: TEST_PORT_BASE + 440 … + 460 (the fault suite's are + 400 … + 420). */
const PORT_BASE = Number(process.env.TEST_PORT_BASE ?? 4400) + 440;
const GRAPH = `http://127.0.0.1:${PORT_BASE}/graphql`;
const GRACE_MS = 5_000;
/** A request not answered in this long has hung: the test says so instead of waiting out jest's limit. */
const REQUEST_TIMEOUT_MS = 15_000;

let place: SeededPlace;
let redis: PrivateRedis;
let primary: ChildProcess;
let exited: Promise<number | null>;

/** Workers the primary announced ready (its log line "worker ready", with the pid). */
const announced = new Set<number>();
/** The primary's log lines (its workers' too: they share its stdout), parsed. */
const logged: { msg?: string; pid?: number; attempt?: number; retryInMs?: number }[] = [];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The primary's workers that serve: announced ready and still alive. */
function workerPids(): number[] {
  return [...announced].filter(alive);
}

/** The primary's Node child processes (not tsx's esbuild service) that have not (yet) announced ready: a worker starting. */
function startingWorkers(): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(primary.pid)], { encoding: 'utf8' });
  const children = out.trim().split('\n').map((line) => line.trim().split(/\s+/));
  return children.filter(([, command]) => command === 'node').map(([pid]) => Number(pid)).filter((pid) => pid > 0 && !announced.has(pid) && alive(pid));
}

/** GET on a connection of its own, so the primary may hand it to either worker. */
function getText(url: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const request = http.get(url, { agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk) => (body += chunk)).on('end', () => resolve(body)).on('error', reject);
    });
    request.setTimeout(REQUEST_TIMEOUT_MS, () => request.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    request.on('error', reject);
  });
}

/** Anonymous public-content requests the gateway counted (its response cache's lookups, hits and misses: one per request), as one scrape of its /metrics reports them. */
async function gatewayRequestsCounted(): Promise<number> {
  const text = await getText(`http://127.0.0.1:${PORT_BASE}/metrics`);
  return [...text.matchAll(/^gateway_response_cache_lookups_total\{[^}]*service="gateway"[^}]*\} (\S+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
}

/** A public read on a connection of its own (a kept-alive one could belong to a worker since killed). */
async function peptideNames(): Promise<string[]> {
  const payload = JSON.stringify({ query: '{ peptides(first: 3) { edges { node { name } } } }' });
  const text = await new Promise<string>((resolve, reject) => {
    const request = http.request(GRAPH, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk) => (body += chunk)).on('end', () => resolve(body)).on('error', reject);
    });
    request.setTimeout(REQUEST_TIMEOUT_MS, () => request.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    request.on('error', reject).end(payload);
  });
  const body = JSON.parse(text) as { data?: { peptides: { edges: { node: { name: string } }[] } } };
  return body.data?.peptides.edges.map((edge) => edge.node.name) ?? [];
}

beforeAll(async () => {
  if (!process.env.DATABASE_URL) throw new Error('the cluster test needs DATABASE_URL (workers share a PostgreSQL server)');
  place = await seededScratchPlace('loop-cluster-', 2);
  redis = await startPrivateRedis();
  primary = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bin/start.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      WORKERS: '2',
      PORT_BASE: String(PORT_BASE),
      DATABASE_URL: place.databaseUrl,
      DATABASE_OWNER_URL: place.ownerUrl ?? '',
      REDIS_URL: redis.url,
      DATA_DIR: place.dataDir,
      SEED: 'false',
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  createInterface({ input: primary.stdout! }).on('line', (line) => {
    const entry = JSON.parse(line.startsWith('{') ? line : 'null') as (typeof logged)[number] | null;
    if (entry) logged.push(entry);
    if (entry?.msg === 'worker ready' && entry.pid) announced.add(entry.pid);
  });
  exited = new Promise((resolve) => primary.once('exit', (code) => resolve(code)));
  await waitFor(`http://127.0.0.1:${PORT_BASE}/readyz`, 240_000, primary);
  await eventually(async () => workerPids().length === 2, 120_000, 'two workers ready');
}, 300_000);

afterAll(async () => {
  if (primary.exitCode === null && primary.signalCode === null) primary.kill('SIGKILL');
  for (const pid of workerPids()) process.kill(pid, 'SIGKILL');
  redis?.stop();
  await place?.dispose();
});

/** CPU ticks a process has used (user + system, /proc/<pid>/stat). */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
}


describe('npm start with WORKERS=2', () => {
  it('serves from two worker processes sharing the ports', async () => {
    const workers = workerPids();
    expect(workers).toHaveLength(2);
    // The primary hands connections round-robin: both workers do work for a run of requests.
    const before = workers.map(cpuTicks);
    for (let i = 0; i < 40; i++) expect(await peptideNames()).toHaveLength(3);
    const spent = workers.map((pid, i) => cpuTicks(pid) - before[i]);
    expect(spent.every((ticks) => ticks > 0)).toBe(true);
  });

  it('counts every worker\'s requests in a scrape of /metrics on the shared port', async () => {
    // Each scrape on a connection of its own: the primary hands them to both workers in turn.
    const before = await Promise.all([1, 2, 3, 4].map(() => gatewayRequestsCounted()));
    // The 40 requests of the test above went to both workers; one worker alone counted about half.
    expect(Math.min(...before)).toBeGreaterThanOrEqual(40);
    for (let i = 0; i < 10; i++) expect(await peptideNames()).toHaveLength(3);
    const after = [];
    for (let i = 0; i < 4; i++) after.push(await gatewayRequestsCounted());
    expect(Math.min(...after)).toBeGreaterThanOrEqual(Math.max(...before) + 10);
  });

  it('replaces a worker killed with SIGKILL, and the other serves meanwhile', async () => {
    const [victim, survivor] = workerPids();
    process.kill(victim, 'SIGKILL');
    await eventually(async () => !workerPids().includes(victim), 10_000, 'the killed worker to be gone');
    expect(workerPids()).toEqual([survivor]);
    expect(await peptideNames()).toHaveLength(3);
    await eventually(async () => workerPids().length === 2, 120_000, 'a replacement worker');
    expect(workerPids()).toContain(survivor);
    for (let i = 0; i < 6; i++) expect(await peptideNames()).toHaveLength(3);
  });

  it('tries again when the replacement of a dead worker dies before it is ready', async () => {
    const [victim, survivor] = workerPids();
    process.kill(victim, 'SIGKILL');
    // The replacement is forked after the respawn delay; it is killed while it starts.
    let replacement = 0;
    await eventually(async () => (replacement = startingWorkers()[0] ?? 0) > 0, 30_000, 'a replacement worker to be forked');
    process.kill(replacement, 'SIGKILL');
    await eventually(async () => logged.some((entry) => entry.msg === 'the replacement worker died before it was ready: trying again'), 10_000, 'the retry to be logged');
    const retry = logged.find((entry) => entry.msg === 'the replacement worker died before it was ready: trying again')!;
    expect(retry.attempt).toBe(1);
    expect(retry.retryInMs).toBeGreaterThan(0);
    // The next attempt serves: two workers again, neither of them the one killed while starting.
    await eventually(async () => workerPids().length === 2, 120_000, 'a second replacement worker');
    expect(workerPids()).toContain(survivor);
    expect(workerPids()).not.toContain(replacement);
    for (let i = 0; i < 6; i++) expect(await peptideNames()).toHaveLength(3);
  });

  it(`gives up after ${MAX_RESPAWN_ATTEMPTS} replacements in a row died before ready, saying so, and serves with the worker it has`, async () => {
    const [victim, survivor] = workerPids();
    process.kill(victim, 'SIGKILL');
    const killed = new Set<number>();
    for (let attempt = 1; attempt <= MAX_RESPAWN_ATTEMPTS; attempt++) {
      let replacement = 0;
      await eventually(async () => (replacement = startingWorkers().find((pid) => !killed.has(pid)) ?? 0) > 0, 60_000, `replacement attempt ${attempt}`);
      process.kill(replacement, 'SIGKILL');
      killed.add(replacement);
    }
    await eventually(async () => logged.some((entry) => entry.msg === 'gave up replacing a worker: serving with fewer workers'), 10_000, 'the primary to give up');
    expect(workerPids()).toEqual([survivor]);
    expect(startingWorkers()).toEqual([]);
    for (let i = 0; i < 3; i++) expect(await peptideNames()).toHaveLength(3);
  });

  it('drains every worker on SIGTERM and exits 0 within the grace period', async () => {
    const workers = workerPids();
    const started = Date.now();
    primary.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(GRACE_MS + 2_000);
    expect(workers.filter(alive)).toEqual([]);
  });
});

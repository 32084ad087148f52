// One version of the whole stack (`bin/start.ts` of a given source tree) as a child process on
// ports of its own, its subgraphs reached through timing proxies, on a data folder and (with
// DATABASE_URL) a fresh PostgreSQL database of its own. The benchmark drives it over HTTP only,
// so any version of the project can be measured the same way.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createScratchDatabase, type ScratchDatabase } from '../../shared/db/scratch';
import { startNodeFlags } from '../../scripts/start-flags';
import { startTimingProxy, type TimingProxy } from './timing-proxy';

/** The subgraphs in port order (PORT_BASE+1…+6), the same in every version measured. */
export const SUBGRAPHS = ['patient', 'labs', 'protocols', 'wearables', 'content', 'luna'] as const;

export interface StackProcessOptions {
  /** The project folder whose bin/start.ts runs. */
  tree: string;
  /** Gateway port; the subgraphs take the next six (PORT_BASE). */
  portBase: number;
  /** PostgreSQL server URL (application role); unset: the embedded PGlite. */
  databaseUrl?: string;
  /** PostgreSQL owner role URL (DATABASE_OWNER_URL); the tree's migrations run as it when given. */
  databaseOwnerUrl?: string;
  /** Versions older than the owner-role split migrate with DATABASE_URL: give them the owner's URL there (default false). */
  ownerAsApplication?: boolean;
  /** Milliseconds to wait for /readyz (first start migrates and seeds: DEFAULT_READY_TIMEOUT_MS). */
  readyTimeoutMs?: number;
  /** Names the data folder, database and log (baseline, now…). */
  label: string;
  /** More settings for the child (e.g. RESPONSE_CACHE_TTL_SECONDS=0). */
  extraEnv?: Record<string, string>;
  /** Node options before the script (e.g. `--cpu-prof`, which NODE_OPTIONS does not accept), after the tree's own `npm start` flags. */
  nodeArgs?: string[];
  /**
   * Put each subgraph behind a timing proxy the gateway reaches it through (default true). Without
   * them the stack runs as `npm start` does: a version whose gateway calls the subgraphs of its own
   * process without HTTP (SUBGRAPH_TRANSPORT=auto) does so, and `proxies` record nothing.
   */
  timingProxies?: boolean;
}

export const DEFAULT_READY_TIMEOUT_MS = 300_000;

export interface StackProcess {
  gatewayUrl: string;
  dataDir: string;
  pid: number;
  /** An admin's bearer token from the tree's own dev issuer. */
  authorization: string;
  proxies: Record<(typeof SUBGRAPHS)[number], TimingProxy>;
  /** Resident memory of the process, in MB. */
  rssMb(): number;
  /** Audit rows written with created_at in [from, to] (counted after stop() for PGlite, which one process holds). */
  auditRowsBetween(from: Date, to: Date, operationName: string): Promise<number>;
  /** Ends the process (SIGTERM, then SIGKILL after STOP_GRACE_MS). */
  stop(): Promise<void>;
  /** stop(), then drop its database, proxies and data folder. */
  dispose(): Promise<void>;
}

export const STOP_GRACE_MS = 20_000;

/** The settings a child stack gets: this process's environment without any that would point it at another stack's ports, data or database, plus `extra`. */
export function childEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(PORT|PORT_BASE|DATA_DIR|DATABASE_URL|DATABASE_OWNER_URL|REDIS_URL|SERVICES|SUBGRAPH_\w+_(URL|PORT)|GATEWAY_URL|NODE_OPTIONS)$/.test(key)) delete env[key];
  }
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  return env;
}

async function waitReady(url: string, child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the stack exited (${child.exitCode}); see ${logFile}:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    const status = await fetch(`${url}/readyz`).then((r) => r.status, () => 0);
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the stack in ${logFile} was not ready within ${timeoutMs} ms`);
}

export async function startStackProcess(options: StackProcessOptions): Promise<StackProcess> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `loop-bench-${options.label}-`));
  const logFile = path.join(dataDir, 'stack.log');
  let scratch: ScratchDatabase | undefined;
  const proxies = {} as StackProcess['proxies'];
  let child: ChildProcess | undefined;
  const cleanUp = async () => {
    for (const proxy of Object.values(proxies)) await proxy.close();
    await scratch?.drop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    if (options.databaseUrl) scratch = await createScratchDatabase(options.databaseUrl, `loop_bench_${options.label}`, options.databaseOwnerUrl);
    const proxied = options.timingProxies ?? true;
    if (proxied) for (const [i, name] of SUBGRAPHS.entries()) proxies[name] = await startTimingProxy({ target: `http://127.0.0.1:${options.portBase + i + 1}` });
    const env = childEnv({
      PORT_BASE: String(options.portBase),
      DATA_DIR: dataDir,
      SEED: 'true',
      LOG_LEVEL: 'warn',
      DATABASE_URL: scratch ? (options.ownerAsApplication ? scratch.ownerUrl ?? scratch.url : scratch.url) : undefined,
      DATABASE_OWNER_URL: scratch && !options.ownerAsApplication ? scratch.ownerUrl : undefined,
      ...(proxied ? Object.fromEntries(SUBGRAPHS.map((name) => [`SUBGRAPH_${name.toUpperCase()}_URL`, `${proxies[name].url}/graphql`])) : {}),
      ...options.extraEnv,
    });
    const out = createWriteStream(logFile);
    child = spawn(process.execPath, [...startNodeFlags(options.tree), ...(options.nodeArgs ?? []), '--import', 'tsx', 'bin/start.ts'], { cwd: options.tree, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.pipe(out);
    child.stderr!.pipe(out);
    const gatewayUrl = `http://127.0.0.1:${options.portBase}`;
    await waitReady(gatewayUrl, child, logFile, options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
    const token = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/token.ts', '--role', 'admin', '--sub', 'user_bench'], { cwd: options.tree, env, encoding: 'utf8' }).trim().split('\n').pop()!;
    const running = child;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    let stopped = false;
    const stack: StackProcess = {
      gatewayUrl,
      dataDir,
      pid: running.pid!,
      authorization: `Bearer ${token}`,
      proxies,
      rssMb: () => Number(execFileSync('ps', ['-o', 'rss=', '-p', String(running.pid)], { encoding: 'utf8' }).trim()) / 1024,
      async auditRowsBetween(from, to, operationName) {
        const sql = 'SELECT count(*)::int AS n FROM patient_graph.rbac_logs WHERE created_at BETWEEN $1 AND $2 AND operation_name = $3';
        const params = [from.toISOString(), to.toISOString(), operationName];
        if (scratch) {
          const pg = (await import('pg')).default;
          const client = new pg.Client({ connectionString: scratch.ownerUrl ?? scratch.url });
          await client.connect();
          try {
            return (await client.query(sql, params)).rows[0].n;
          } finally {
            await client.end();
          }
        }
        if (!stopped) throw new Error('PGlite is one process\'s database: count audit rows after stop()');
        const { PGlite } = await import('@electric-sql/pglite');
        const db = await PGlite.create(`${dataDir}/pgdata`);
        try {
          return ((await db.query<{ n: number }>(sql, params)).rows[0]).n;
        } finally {
          await db.close();
        }
      },
      async stop() {
        if (!stopped) {
          stopped = true;
          running.kill('SIGTERM');
          const killed = setTimeout(() => running.kill('SIGKILL'), STOP_GRACE_MS);
          await exited;
          clearTimeout(killed);
        }
      },
      async dispose() {
        await stack.stop();
        await cleanUp();
      },
    };
    return stack;
  } catch (error) {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await cleanUp();
    throw error;
  }
}

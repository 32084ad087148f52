// Starts the whole supergraph as a child process, the way `npm start` does (the server compiled
// by scripts/build-server.mjs, built here first so it is never stale), on a fresh
// database: a new PGlite folder, or a new database on the PostgreSQL server named by
// DATABASE_URL (dropped afterwards), owned by DATABASE_OWNER_URL's role when that is set.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createScratchDatabase } from '../../shared/db/scratch';
import { startNodeFlags } from '../../scripts/start-flags';

export const ROOT = path.resolve(__dirname, '../..');
export const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
/** What `npm start` runs (scripts/build-server.mjs writes it). */
export const SERVER_ENTRY = '.build/server/start.cjs';

/**
 * Per-user rate limits of the test stack: the suites upload and chat as a handful of users far
 * more often than a person would. The rate-limit tests use users of their own up to these.
 */
export const TEST_RATE_LIMITS = { LAB_UPLOADS_PER_MINUTE: 100, LAB_UPLOADS_PER_HOUR: 1_000, LUNA_TURNS_PER_MINUTE: 100 };

export interface Stack {
  child: ChildProcess;
  gatewayUrl: string;
  portBase: number;
  env: NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
}

/**
 * A database of the test run's own on the server DATABASE_URL names; with DATABASE_OWNER_URL (CI's
 * second pass) created by that owner role and served to DATABASE_URL's application role.
 */
export const createFreshDatabase = (serverUrl: string) => createScratchDatabase(serverUrl, 'loop_test', process.env.DATABASE_OWNER_URL || undefined);

export async function waitFor(url: string, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`stack exited with code ${child.exitCode} before ${url} answered`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function startStack(options: { portBase: number; extraEnv?: NodeJS.ProcessEnv }): Promise<Stack> {
  const cleanups: (() => Promise<void>)[] = [];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    SEED: 'true',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    PORT_BASE: String(options.portBase),
    // The dashboard's statement budget is read per subgraph (test/dashboard-sql.test.ts).
    SQL_STATEMENTS_BY_SERVICE: 'true',
    ...Object.fromEntries(Object.entries(TEST_RATE_LIMITS).map(([name, value]) => [name, String(value)])),
    ...options.extraEnv,
  };
  delete env.NODE_OPTIONS;
  // Shared reads as by default: joined on the embedded database, gathered on PostgreSQL (test/shared-reads.test.ts).
  if (!options.extraEnv?.SHARED_READS) delete env.SHARED_READS;
  // The data folder holds the embedded database (without DATABASE_URL) and the dev issuer's key.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'loop-test-'));
  env.DATA_DIR = dataDir;
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  if (process.env.DATABASE_URL) {
    const database = await createFreshDatabase(process.env.DATABASE_URL);
    env.DATABASE_URL = database.url;
    env.DATABASE_OWNER_URL = database.ownerUrl ?? '';
    cleanups.push(database.drop);
  }
  // As `npm start` runs it: node itself gets the signals (the tsx CLI would force-kill a busy process).
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-server.mjs')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const child = spawn(process.execPath, [...startNodeFlags(ROOT), path.join(ROOT, SERVER_ENTRY)], { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
  const gatewayUrl = `http://127.0.0.1:${options.portBase}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  };
  try {
    await waitFor(`${gatewayUrl}/readyz`, 240_000, child);
  } catch (error) {
    await stop();
    for (const cleanup of cleanups) await cleanup().catch(() => {});
    throw error;
  }
  return {
    child,
    gatewayUrl,
    portBase: options.portBase,
    env,
    async cleanup() {
      await stop();
      for (const cleanup of cleanups) await cleanup().catch(() => {});
    },
  };
}

/** A port nothing listens on: bound once, then released (for a server to start on, or to find closed). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

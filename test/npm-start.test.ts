// `npm start` itself, as the README's set-up runs it: scripts/start.mjs brings the supergraph,
// the web app and the compiled server up to date, then serves in that same process. The rest of
// the suite runs the compiled server directly (test/support/stack.ts); this runs the command.
// Always on the embedded database in a data folder of its own, whatever the suite's settings.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, waitFor } from './support/stack';
import { startNodeFlags } from '../scripts/start-flags';

const PORT_BASE = Number(process.env.TEST_PORT_BASE ?? 4400) + 540;
const GATEWAY = `http://127.0.0.1:${PORT_BASE}`;
/** A fresh checkout's first start composes, builds the web app and compiles the server first. */
const READY_TIMEOUT_MS = 240_000;

let child: ChildProcess;
let output = '';
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'loop-npm-start-'));
  // Its own process group, so that the whole of it is signalled (npm, its shell, node).
  child = spawn('npm', ['start'], {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'test', LOG_LEVEL: 'info', PORT_BASE: String(PORT_BASE), DATA_DIR: dataDir, DATABASE_URL: '', DATABASE_OWNER_URL: '', REDIS_URL: '' },
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  // What the server printed says why, if it did not come up.
  await waitFor(`${GATEWAY}/readyz`, READY_TIMEOUT_MS, child).catch((error: Error) => {
    throw new Error(`${error.message}\n${output.slice(-2_000)}`);
  });
}, READY_TIMEOUT_MS + 10_000);

afterAll(async () => {
  if (child?.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('serves the graph on the embedded database, one Node process under npm', async () => {
    const response = await fetch(`${GATEWAY}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ peptides { totalCount } }' }),
    });
    const body = (await response.json()) as { data?: { peptides: { totalCount: number } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data?.peptides.totalCount).toBeGreaterThan(0);
    expect(output).toContain(`Loop Health supergraph ready at ${GATEWAY}/graphql`);
    // Every Node process of the group is npm itself (titled "npm start") or the one that serves.
    const group = execFileSync('ps', ['-o', 'pgid=,args=', '-e'], { encoding: 'utf8' })
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith(`${child.pid} `))
      .map((line) => line.slice(`${child.pid} `.length));
    expect(group.filter((args) => /^(\S*\/)?node\s/.test(args))).toEqual([['node', ...startNodeFlags(ROOT), 'scripts/start.mjs'].join(' ')]);
  });

  it('stops on SIGTERM, having drained', async () => {
    // The server's output ends when it exits (npm may exit first: the pipe is the server's too).
    const outputEnded = new Promise<void>((resolve) => (child.stdout!.readableEnded ? resolve() : child.stdout!.once('close', () => resolve())));
    process.kill(-child.pid!, 'SIGTERM');
    await outputEnded;
    expect(output).toMatch(/"msg":"stopped"/);
    await expect(fetch(`${GATEWAY}/healthz`, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
  }, 30_000);
});

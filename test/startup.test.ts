import { spawn } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportSPKI, generateKeyPair } from 'jose';
import { ROOT, TSX } from './support/stack';

function runStart(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    // Its own process group: tsx runs the service in a child of its own, and a timed-out start
    // must not leave that child serving on the ports.
    const child = spawn(TSX, [path.join(ROOT, 'bin/start.ts')], {
      cwd: ROOT,
      detached: true,
      env: { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'test', LOG_LEVEL: 'info', PORT_BASE: '4900', DATABASE_OWNER_URL: '', ...env },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    // Below Jest's 60 s per test: a start on a busy machine (tsx compiling) took over 30 s.
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 50_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('start-up failures', () => {
  it('exits non-zero with a clear message when the database is unreachable', async () => {
    const { code, output } = await runStart({ DATABASE_URL: 'postgresql://nobody:secret@127.0.0.1:9/none', DATABASE_CONNECT_TIMEOUT_MS: '1000' });
    expect(code).toBe(1);
    expect(output).toMatch(/Cannot reach the database at PostgreSQL postgresql:\/\/nobody:\*\*\*@127\.0\.0\.1:9\/none/);
    expect(output).not.toContain('secret');
  });

  it('exits non-zero naming every bad setting before anything starts', async () => {
    const { code, output } = await runStart({ SUBGRAPH_TIMEOUT_MS: 'soon', WEARABLES_SYNC_CONCURRENCY: '0', ANTHROPIC_API_KEY: 'sk-secret-value', ANTHROPIC_BASE_URL: 'nope' });
    expect(code).toBe(1);
    expect(output).toContain('Invalid settings');
    expect(output).toContain('SUBGRAPH_TIMEOUT_MS="soon"');
    expect(output).toContain('WEARABLES_SYNC_CONCURRENCY="0"');
    expect(output).toContain('ANTHROPIC_BASE_URL="nope"');
    expect(output).not.toContain('sk-secret-value');
    expect(output).not.toContain('listening');
  });

  it('names the data folder when it cannot be used', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'loop-start-'));
    const file = path.join(dir, 'not-a-folder');
    writeFileSync(file, '');
    try {
      const { code, output } = await runStart({ DATABASE_URL: '', DATA_DIR: path.join(file, 'data') });
      expect(code).toBe(1);
      expect(output).toContain(`The embedded database folder ${path.join(file, 'data')} cannot be read and written`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('production start-up without the trust and audit settings', () => {
  let production: NodeJS.ProcessEnv;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'loop-start-prod-'));
    const { publicKey } = await generateKeyPair('RS256');
    production = {
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      CLERK_JWT_KEY: await exportSPKI(publicKey),
      AUTH_ISSUER: 'https://example.clerk.accounts.dev',
      AUTH_AUDIENCE: 'loop-health',
      WEARABLE_TOKEN_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
    };
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('stops a gateway without GATEWAY_SIGNING_JWK, naming it', async () => {
    const { code, output } = await runStart({ ...production, SERVICES: 'gateway' });
    expect(code).toBe(1);
    expect(output).toContain('GATEWAY_SIGNING_JWK is required in production');
    expect(output).not.toContain('ready at');
  });

  it('stops a subgraph without GATEWAY_JWKS, naming it', async () => {
    const { code, output } = await runStart({ ...production, SERVICES: 'content' });
    expect(code).toBe(1);
    expect(output).toContain('GATEWAY_JWKS is required in production');
  });

  it('stops when tokens would not be checked for audience, naming AUTH_AUDIENCE', async () => {
    const { code, output } = await runStart({ ...production, SERVICES: 'gateway', AUTH_AUDIENCE: '' });
    expect(code).toBe(1);
    expect(output).toContain('AUTH_AUDIENCE');
    expect(output).toContain('required in production');
  });
});

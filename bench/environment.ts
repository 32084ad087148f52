// What an in-process benchmark runs on: a temporary data folder (embedded database, dev
// signing key), a fresh database on the server DATABASE_URL names if set, ports of its own,
// and an admin token. Everything is removed afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../shared/config';
import { createScratchDatabase } from '../shared/db/scratch';
import { signDevToken } from '../shared/auth/dev-issuer';

export interface BenchEnvironment {
  config: Config;
  dataDir: string;
  gatewayUrl: string;
  authorization: string;
}

export async function withBenchEnvironment<T>(portBase: number, run: (env: BenchEnvironment) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'loop-bench-'));
  process.env.DATA_DIR = dataDir;
  process.env.PORT_BASE = String(portBase);
  process.env.LOG_LEVEL ??= 'warn';
  const scratch = process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL, 'loop_bench', process.env.DATABASE_OWNER_URL || undefined) : undefined;
  if (scratch) process.env.DATABASE_URL = scratch.url;
  if (scratch?.ownerUrl) process.env.DATABASE_OWNER_URL = scratch.ownerUrl;
  try {
    return await run({
      config: { ...loadConfig(), seed: true },
      dataDir,
      gatewayUrl: `http://127.0.0.1:${portBase}`,
      authorization: `Bearer ${await signDevToken(dataDir, { sub: 'user_bench', role: 'admin' })}`,
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await scratch?.drop();
  }
}

/** Runs a benchmark's main(): exits 0 when it resolves (open handles of the stack aside), else prints the error and exits 1. */
export function runBenchmark(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}

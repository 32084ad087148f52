// What the RBAC layer costs: the dashboard under the same load with and without the
// graphql-shield rules (and the audit rows they write), on a fresh database of its own.
//   npm run bench:shield                       # embedded PGlite in a temporary folder
//   DATABASE_URL=postgresql://… npm run bench:shield
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../shared/config';
import { createScratchDatabase } from '../shared/db/scratch';
import { signDevToken } from '../shared/auth/dev-issuer';
import { ALL_SERVICES, launch } from '../shared/server/launch';
import { benchSettings, loadDashboard } from './load';

const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 4900);

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'loop-bench-'));
  process.env.DATA_DIR = dataDir;
  process.env.PORT_BASE = String(PORT_BASE);
  process.env.LOG_LEVEL ??= 'warn';
  const scratch = process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL, 'loop_bench') : undefined;
  if (scratch) process.env.DATABASE_URL = scratch.url;
  const config = { ...loadConfig(), seed: true };
  const headers = { authorization: `Bearer ${await signDevToken(dataDir, { sub: 'user_bench', role: 'admin' })}` };
  const results: Record<string, unknown> = {};
  try {
    for (const [label, withoutPermissions] of [['without shield', true], ['with shield', false], ['without shield (again)', true]] as const) {
      const stack = await launch(config, ALL_SERVICES, { withoutPermissions });
      try {
        results[label] = await loadDashboard({ gatewayUrl: `http://127.0.0.1:${PORT_BASE}`, headers, ...benchSettings() });
      } finally {
        await stack.stop();
      }
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await scratch?.drop();
  }
  console.log(JSON.stringify(results, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

// What the RBAC layer costs: the dashboard under the same load with and without the
// graphql-shield rules (and the audit rows they write), on a fresh database of its own.
//   npm run bench:shield                       # embedded PGlite in a temporary folder
//   DATABASE_URL=postgresql://… npm run bench:shield
import { ALL_SERVICES, launch } from '../bin/launch';
import { withBenchEnvironment } from './environment';
import { benchSettings, loadDashboard } from './load';

const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 4900);

async function main() {
  const results = await withBenchEnvironment(PORT_BASE, async ({ config, gatewayUrl, authorization }) => {
    const results: Record<string, unknown> = {};
    for (const [label, withoutPermissions] of [['without shield', true], ['with shield', false], ['without shield (again)', true]] as const) {
      const stack = await launch(config, ALL_SERVICES, { withoutPermissions });
      try {
        results[label] = await loadDashboard({ gatewayUrl, headers: { authorization }, ...benchSettings() });
      } finally {
        await stack.stop();
      }
    }
    return results;
  });
  console.log(JSON.stringify(results, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

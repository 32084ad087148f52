// npm start: runs the supergraph. With no arguments, every subgraph and the gateway in this
// one process (the embedded PGlite database belongs to one process). `--service <name>`
// (repeatable, or SERVICES=a,b) runs a subset: how docker-compose runs one service per container.
// WORKERS > 1 (PostgreSQL and Redis): as many worker processes sharing the ports (bin/cluster.ts).
// Tracing starts before the services' modules load (launch is imported after it), so the
// instrumented libraries (pg, http) are patched as they load.
import { deferUnusedGatewayModules } from './defer-unused-modules';
import { loadConfig, SettingsError, type Config } from '../shared/config';
import { serviceLogger } from '../shared/logger';
import { startTracing, tracingOptions, type Tracing } from '../shared/observability/tracing';
import type { Launched } from './launch';
import { ALL_SERVICES, type ServiceName } from '../shared/server/services';
import { exitOnSignals } from '../shared/server/shutdown';
import cluster from 'node:cluster';
import { announceReady, runPrimary } from './cluster';
import { applyHeapGrowth } from './heap-growth';
import { releaseStartupMemory } from './startup-memory';

const log = serviceLogger('launcher');

function selectedServices(config: Config): ServiceName[] {
  const fromArgs = process.argv.flatMap((arg, i, all) => (arg === '--service' && all[i + 1] ? [all[i + 1]] : []));
  const requested = fromArgs.length ? fromArgs : config.services;
  if (requested.length === 0 || requested.includes('all')) return ALL_SERVICES;
  const unknown = requested.filter((name) => !ALL_SERVICES.includes(name as ServiceName));
  if (unknown.length) throw new Error(`Unknown service ${unknown.join(', ')}; choose from ${ALL_SERVICES.join(', ')}, all`);
  return requested as ServiceName[];
}

async function main(): Promise<void> {
  const config = loadConfig();
  applyHeapGrowth(config.deployment.heapGrowthPercent);
  const services = selectedServices(config);
  if (cluster.isPrimary && config.deployment.workers > 1) {
    await runPrimary({ workers: config.deployment.workers, graceMs: config.deployment.shutdownGraceMs, log });
    return;
  }
  let launched: Launched | undefined;
  let tracing: Tracing | undefined;
  // A signal during start-up stops what has started so far; the spans of the shutdown itself are sent last.
  exitOnSignals({
    graceMs: config.deployment.shutdownGraceMs,
    stop: async () => {
      await launched?.stop();
      await tracing?.shutdown();
    },
    log,
  });
  tracing = startTracing(tracingOptions(config, services.length === ALL_SERVICES.length ? [] : services));
  deferUnusedGatewayModules();
  const { launch } = await import('./launch');
  launched = await launch(config, services);
  const gateway = launched.servers.find((server) => server.name === 'gateway');
  await releaseStartupMemory();
  if (gateway) log.info(`Loop Health supergraph ready at ${gateway.url}/graphql`);
  announceReady();
}

main().catch((error) => {
  if (error instanceof SettingsError) {
    // Read by a person at a terminal or in a container's log: plain lines, one per bad variable.
    log.fatal({ problems: error.problems }, 'invalid settings');
    process.stderr.write(`${error.message}\n`);
  } else log.fatal(error instanceof Error ? error.message : String(error));
  process.exit(1);
});

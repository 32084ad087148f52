// npm start: runs the supergraph. With no arguments, every subgraph and the gateway in this
// one process (the embedded PGlite database belongs to one process). `--service <name>`
// (repeatable, or SERVICES=a,b) runs a subset: how docker-compose runs one service per container.
import { readFileSync } from 'node:fs';
import { loadConfig, SERVICE_NAMES, type SubgraphName } from '../shared/config';
import { DatabaseStartupError, openDatabase, type Database } from '../shared/db/database';
import { prepareDatabase } from '../shared/db/prepare';
import { serviceLogger } from '../shared/logger';
import type { RunningServer } from '../shared/server/listen';
import { startSubgraph } from '../shared/server/subgraph';
import { SUBGRAPHS } from '../subgraphs';
import { setUpAuth } from '../shared/auth/config';
import { devJwks } from '../shared/auth/dev-issuer';
import { createIdentityResolver } from '../shared/auth/identity';
import { SUPERGRAPH_FILE } from '../gateway/compose';
import { startGateway } from '../gateway/server';

const log = serviceLogger('launcher');
type ServiceName = SubgraphName | 'gateway';

function selectedServices(): ServiceName[] {
  const fromArgs = process.argv.flatMap((arg, i, all) => (arg === '--service' && all[i + 1] ? [all[i + 1]] : []));
  const requested = fromArgs.length ? fromArgs : (process.env.SERVICES?.split(',').map((s) => s.trim()).filter(Boolean) ?? []);
  const known: ServiceName[] = [...SERVICE_NAMES, 'gateway'];
  if (requested.length === 0 || requested.includes('all')) return known;
  const unknown = requested.filter((name) => !known.includes(name as ServiceName));
  if (unknown.length) throw new Error(`Unknown service ${unknown.join(', ')}; choose from ${known.join(', ')}, all`);
  return requested as ServiceName[];
}

async function main(): Promise<void> {
  const config = loadConfig();
  const services = selectedServices();
  const running: RunningServer[] = [];
  let db: Database | undefined;

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    // Gateway first so no new request reaches a subgraph that is closing.
    for (const server of [...running].reverse()) await server.stop().catch((error) => log.error({ err: error }, `stopping ${server.name}`));
    await db?.close().catch((error) => log.error({ err: error }, 'closing the database'));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  const subgraphs = services.filter((name): name is SubgraphName => name !== 'gateway');
  if (subgraphs.length) {
    // The database first: an unusable data folder is reported as the database's problem, by name.
    db = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      poolSize: config.databasePoolSize,
      connectTimeoutMs: config.databaseConnectTimeoutMs,
    });
    log.info(`database: ${db.description}`);
    await prepareDatabase(db, { seed: config.seed, log });
  }
  const auth = await setUpAuth(config);
  if (db) {
    const resolveCaller = createIdentityResolver({ verify: auth.verify, prisma: db.prisma, roleClaim: auth.roleClaim });
    for (const name of subgraphs) {
      const server = await startSubgraph(SUBGRAPHS[name], {
        prisma: db.prisma,
        host: config.host,
        port: config.subgraphPorts[name],
        exposeErrorDetails: config.env === 'development',
        resolveCaller,
      });
      running.push(server);
      serviceLogger(name).info(`subgraph ${name} listening on ${server.url}/graphql`);
    }
  }
  if (services.includes('gateway')) {
    const gateway = await startGateway({
      host: config.host,
      port: config.gatewayPort,
      supergraphSdl: readFileSync(SUPERGRAPH_FILE, 'utf8'),
      subgraphUrls: config.subgraphUrls,
      subgraphTimeoutMs: config.subgraphTimeoutMs,
      exposeErrorDetails: config.env === 'development',
      verifyToken: auth.verify,
      devJwks: auth.devIssuer ? await devJwks(config.dataDir) : undefined,
    });
    running.push(gateway);
    log.info(`Loop Health supergraph ready at ${gateway.url}/graphql`);
  }
}

main().catch((error) => {
  const message = error instanceof DatabaseStartupError || error instanceof Error ? error.message : String(error);
  log.fatal(message);
  process.exit(1);
});

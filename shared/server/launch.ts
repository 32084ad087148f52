// Starts a set of services in this process: opens and prepares the database for the
// subgraphs, sets up identity, starts each subgraph, then the gateway. Used by `npm start`
// (bin/start.ts) and by the benchmarks that need the stack in-process.
import { readFileSync } from 'node:fs';
import { SERVICE_NAMES, type Config, type SubgraphName } from '../config';
import { openDatabase, type Database } from '../db/database';
import { prepareDatabase } from '../db/prepare';
import { serviceLogger } from '../logger';
import { createPubSub } from '../pubsub';
import type { RunningServer } from './listen';
import { startSubgraph } from './subgraph';
import { setUpAuth } from '../auth/config';
import { devJwks, signDevToken } from '../auth/dev-issuer';
import { seededUserId } from '../../prisma/seed/identities';
import { createIdentityResolver } from '../auth/identity';
import { ownAudience } from '../auth/verify';
import { SUBGRAPHS } from '../../subgraphs';
import { SUPERGRAPH_FILE } from '../../gateway/compose';
import { startGateway } from '../../gateway/server';
import { corsOrigins } from '../../gateway/cors';
import { createRateLimiter } from '../limits/rate-limit';
import { countingRejections } from '../limits/rate-limit-metrics';
import { gatewaySigningKey, gatewayVerificationKeys } from '../trust/keys';
import { createGatewayVerifier } from './verify-gateway';

/** The playground's token lives a working day, or as long as tokens may (AUTH_MAX_TOKEN_LIFETIME_SECONDS) if that is shorter. */
export const PLAYGROUND_TOKEN_TTL_SECONDS = 8 * 3_600;
const playgroundTokenTtl = (config: Config) => `${Math.min(PLAYGROUND_TOKEN_TTL_SECONDS, config.tokens.maxLifetimeSeconds)}s`;
import { databaseCheck, redisCheck, type ReadinessCheck } from './readiness';

export type ServiceName = SubgraphName | 'gateway';
export const ALL_SERVICES: ServiceName[] = [...SERVICE_NAMES, 'gateway'];

export interface Launched {
  servers: RunningServer[];
  db?: Database;
  /** Stops the gateway first (no new requests reach closing subgraphs), then subgraphs, then the database. */
  stop(): Promise<void>;
}

export interface LaunchOptions {
  /** Benchmarks only: serve the subgraphs without their graphql-shield rules, to measure what they cost. */
  withoutPermissions?: boolean;
}

export async function launch(config: Config, services: ServiceName[], options: LaunchOptions = {}): Promise<Launched> {
  const log = serviceLogger('launcher');
  const servers: RunningServer[] = [];
  let db: Database | undefined;
  const pubsub = createPubSub(config.redisUrl);
  // One limiter per process for the subgraphs' limits (partner token requests), in Redis when set.
  const limiter = createRateLimiter(config.redisUrl);
  const stopBackground: (() => Promise<void>)[] = [];
  const redisProbe = config.redisUrl ? redisCheck(config.redisUrl) : undefined;
  // The process-wide series (CPU, memory, SQL) are served by one endpoint: the gateway's, else the first subgraph's.
  const processMetricsBy: ServiceName = services.includes('gateway') ? 'gateway' : services[0];
  const stop = async () => {
    for (const stopOne of stopBackground.reverse()) await stopOne().catch((error) => log.error({ err: error }, 'stopping background work'));
    for (const server of [...servers].reverse()) await server.stop().catch((error) => log.error({ err: error }, `stopping ${server.name}`));
    await pubsub.close();
    await limiter.close();
    await redisProbe?.close();
    await db?.close().catch((error) => log.error({ err: error }, 'closing the database'));
  };
  try {
    const subgraphs = services.filter((name): name is SubgraphName => name !== 'gateway');
    if (subgraphs.length) {
      // The database first: an unusable data folder is reported as the database's problem, by name.
      db = await openDatabase({
        databaseUrl: config.databaseUrl,
        ownerUrl: config.audit.ownerUrl,
        dataDir: config.dataDir,
        poolSize: config.databasePoolSize,
        connectTimeoutMs: config.databaseConnectTimeoutMs,
      });
      log.info(`database: ${db.description}`);
      await prepareDatabase(db, { seed: config.seed, seedPatients: config.seedPatients, log, requireAppendOnlyRole: config.env === 'production' });
    }
    const auth = await setUpAuth(config);
    if (db) {
      const database = db;
      const readinessChecks: ReadinessCheck[] = [databaseCheck((sql) => database.sql.query(sql)), ...(redisProbe ? [redisProbe] : [])];
      const resolveCaller = createIdentityResolver({ verify: auth.verify, prisma: db.prisma, roleClaim: auth.roleClaim });
      const gatewayVerifier = createGatewayVerifier({ jwks: await gatewayVerificationKeys(config), clockSkewSeconds: config.tokens.clockSkewSeconds });
      for (const name of subgraphs) {
        // A subgraph's background work (Luna's turn runner, the wearables queue) starts before it
        // answers: once /healthz (and so the gateway's /readyz) answers, its mutations can run.
        // Nothing started here calls the graph until a request asks it to.
        const module = SUBGRAPHS[name];
        if (module.startBackground) stopBackground.push(await module.startBackground({ prisma: db.prisma, db, pubsub, config, log: serviceLogger(name) }));
        const server = await startSubgraph(SUBGRAPHS[name], {
          prisma: db.prisma,
          host: config.host,
          port: config.subgraphPorts[name],
          exposeErrorDetails: config.env === 'development',
          resolveCaller,
          pubsub,
          withoutPermissions: options.withoutPermissions,
          jsonBodyLimitBytes: config.jsonBodyLimitBytes,
          limits: config.limits,
          gatewayVerifier,
          limiter: countingRejections(limiter, 'token_requests', name),
          readinessChecks,
          processMetrics: name === processMetricsBy,
        });
        servers.push(server);
        serviceLogger(name).info(`subgraph ${name} listening on ${server.url}/graphql`);
      }
    }
    if (services.includes('gateway')) {
      servers.push(
        await startGateway({
          host: config.host,
          port: config.gatewayPort,
          supergraphSdl: readFileSync(SUPERGRAPH_FILE, 'utf8'),
          subgraphUrls: config.subgraphUrls,
          subgraphTimeoutMs: config.subgraphTimeoutMs,
          exposeErrorDetails: config.env === 'development',
          verifyToken: auth.verify,
          devJwks: auth.devIssuer ? await devJwks(config.dataDir) : undefined,
          redisUrl: config.redisUrl,
          playground: config.playground,
          graphqlBodyLimitBytes: config.graphqlBodyLimitBytes,
          jsonBodyLimitBytes: config.jsonBodyLimitBytes,
          maxUploadBytes: config.labs.maxUploadBytes,
          fhir: config.fhir,
          limits: config.limits,
          publicMaxAgeSeconds: config.transport.publicMaxAgeSeconds,
          subscriptionCaps: { perConnection: config.transport.subscriptionsPerConnection, perPrincipal: config.transport.subscriptionsPerPrincipal },
          roleClaim: auth.roleClaim,
          cors: { origins: corsOrigins(config.cors.origins, config.env === 'development', config.gatewayPort), maxAgeSeconds: config.cors.maxAgeSeconds },
          trust: {
            signingJwk: await gatewaySigningKey(config),
            signatureTtlSeconds: config.trust.signatureTtlSeconds,
            trustedProxies: config.trust.trustedProxies,
            correlationIdMaxLength: config.trust.correlationIdMaxLength,
            clockSkewSeconds: config.tokens.clockSkewSeconds,
          },
          // The playground opens signed in as the first seeded patient (dev issuer only).
          devToken: auth.devIssuer ? () => signDevToken(config.dataDir, { sub: seededUserId(1), ttl: playgroundTokenTtl(config), audience: ownAudience(config.tokens.audience) }) : undefined,
          processMetrics: processMetricsBy === 'gateway',
        }),
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { servers, db, stop };
}

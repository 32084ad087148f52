// Starts a set of services in this process: opens and prepares the database for the
// subgraphs (seeding it with the demo data set), sets up identity, starts each subgraph, then
// the gateway. Process wiring: it alone knows every service, so it lives in bin/, above them.
// Used by `npm start` (bin/start.ts) and by the benchmarks that need the stack in-process.
import { SERVICE_NAMES, type Config, type SubgraphName } from '../shared/config';
import { openDatabase, type Database } from '../shared/db/database';
import { prepareDatabase } from '../shared/db/prepare';
import { demoSeeder } from './demo-data';
import { serviceLogger } from '../shared/logger';
import { createPubSub } from '../shared/pubsub';
import { startOutboxRelay, type OutboxRelay } from '../shared/outbox';
import type { RunningServer } from '../shared/server/listen';
import { startSubgraph } from '../shared/server/subgraph';
import { inProcessSubgraphs } from '../shared/server/in-process';
import { setUpAuth } from '../shared/auth/config';
import { devJwks, signDevToken } from '../shared/auth/dev-issuer';
import { seededUserId } from '../prisma/seed/identities';
import { createIdentityResolver } from '../shared/auth/identity';
import { ownAudience } from '../shared/auth/verify';
import { SUBGRAPHS } from '../subgraphs';
import { domainPorts } from './ports';
import { loadSupergraph } from '../gateway/supergraph-file';
import { startGateway } from '../gateway/server';
import { DatabaseIdempotencyStore } from '../gateway/idempotency';
import { corsOrigins } from '../gateway/cors';
import { createRateLimiter } from '../shared/limits/rate-limit';
import { countingRejections } from '../shared/limits/rate-limit-metrics';
import { gatewaySigningKey, gatewayVerificationKeys } from '../shared/trust/keys';
import { createGatewayVerifier } from '../shared/server/verify-gateway';
import { setDefaultGrace } from '../shared/server/shutdown';
import { jobQueueCheck, processJobQueue, type ProcessJobQueue } from '../shared/queue/jobs';
import { systemClock } from '../shared/clock';

/** The playground's token lives a working day, or as long as tokens may (AUTH_MAX_TOKEN_LIFETIME_SECONDS) if that is shorter. */
export const PLAYGROUND_TOKEN_TTL_SECONDS = 8 * 3_600;
const playgroundTokenTtl = (config: Config) => `${Math.min(PLAYGROUND_TOKEN_TTL_SECONDS, config.tokens.maxLifetimeSeconds)}s`;
import { databaseCheck, redisCheck, type ReadinessCheck } from '../shared/server/readiness';

import type { ServiceName } from '../shared/server/services';
export { ALL_SERVICES, type ServiceName } from '../shared/server/services';

export interface Launched {
  servers: RunningServer[];
  db?: Database;
  /** Each subgraph's services, as its requests see them (ctx.services): benchmarks reach a queue through them. */
  services: Partial<Record<SubgraphName, unknown>>;
  /** Stops the gateway first (its in-flight requests still reach the subgraphs), then subgraphs, with the background work alongside; then Redis and the database. */
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
  const stopServices: (() => Promise<void>)[] = [];
  const built: Launched['services'] = {};
  let relay: OutboxRelay | undefined;
  let jobQueue: ProcessJobQueue | undefined;
  /** A gateway running without subgraphs opens the database for its Idempotency-Keys only. */
  let gatewayDb: Database | undefined;
  const redisProbe = config.redisUrl ? redisCheck(config.redisUrl) : undefined;
  // A gateway here calls the subgraphs that also run here without HTTP (SUBGRAPH_TRANSPORT=auto).
  const inProcess = config.subgraphTransport === 'auto' && services.includes('gateway') ? inProcessSubgraphs() : undefined;
  // The process-wide series (CPU, memory, SQL) are served by one endpoint: the gateway's, else the first subgraph's.
  const processMetricsBy: ServiceName = services.includes('gateway') ? 'gateway' : services[0];
  setDefaultGrace(config.deployment.shutdownGraceMs);
  // Within one grace period (shutdown.ts): the servers drain gateway first (its in-flight requests
  // still reach the subgraphs), while the background work finishes its jobs (those left are retried
  // by the queue); then the connections close.
  const stop = async () => {
    const stopServers = async () => {
      for (const server of [...servers].reverse()) await server.stop().catch((error) => log.error({ err: error }, `stopping ${server.name}`));
    };
    const stopWork = async () => {
      for (const stopOne of [...stopServices].reverse()) await stopOne().catch((error) => log.error({ err: error }, "stopping a subgraph's services"));
      // After every subgraph's workers are off it: its running jobs get what is left of the grace.
      await jobQueue?.stop().catch((error) => log.error({ err: error }, 'stopping the job queue'));
    };
    await Promise.all([stopServers(), stopWork()]);
    // Rows it has not published stay in the outbox: the next relay to start (here or elsewhere) sends them.
    await relay?.stop();
    await pubsub.close();
    await limiter.close();
    await redisProbe?.close();
    await db?.close().catch((error) => log.error({ err: error }, 'closing the database'));
    await gatewayDb?.close().catch((error) => log.error({ err: error }, 'closing the database'));
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
      await prepareDatabase(db, { seed: config.seed ? demoSeeder(config.seedPatients) : undefined, log, requireAppendOnlyRole: config.env === 'production' });
      // Publishes the events the subgraphs' writes commit to the outbox (shared/outbox), retrying until delivered.
      relay = startOutboxRelay({ sql: db.sql, pubsub, log: serviceLogger('outbox'), pollMs: config.events.outboxPollMs, maxBackoffMs: config.events.outboxMaxBackoffMs });
    }
    const auth = await setUpAuth(config);
    if (db) {
      const database = db;
      // One job queue per process, for every subgraph here: started by the first that sends or works jobs.
      const queue = (jobQueue = processJobQueue(db, serviceLogger('job-queue')));
      const readinessChecks: ReadinessCheck[] = [databaseCheck((sql) => database.sql.query(sql)), ...(redisProbe ? [redisProbe] : [])];
      const resolveCaller = createIdentityResolver({ verify: auth.verify, prisma: db.prisma, roleClaim: auth.roleClaim });
      const gatewayVerifier = createGatewayVerifier({ jwks: await gatewayVerificationKeys(config), clockSkewSeconds: config.tokens.clockSkewSeconds });
      // What a subgraph reads of another domain in-process comes from that domain's owner.
      const ports = domainPorts(db.prisma);
      for (const name of subgraphs) {
        // A subgraph's services (Luna's turn runner, the wearables queue) are built once here,
        // shared by every request of the process and stopped with it. They start before it
        // answers: once /healthz (and so the gateway's /readyz) answers, its mutations can run.
        // Nothing started here calls the graph until a request asks it to.
        const module = SUBGRAPHS[name];
        const started = await module.startServices?.({ prisma: db.prisma, ports, db, pubsub, queue, config, log: serviceLogger(name), clock: systemClock });
        if (started) {
          stopServices.push(started.stop);
          built[name] = started.services;
        }
        // The job queue, once a subgraph here started it, is one more dependency every /readyz of the process checks.
        if (queue.running() && !readinessChecks.some((check) => check.name === 'queue')) readinessChecks.push(jobQueueCheck(queue, database));
        const server = await startSubgraph(module, {
          prisma: db.prisma,
          services: started?.services,
          reads: db.reads,
          ports,
          host: config.host,
          port: config.subgraphPorts[name],
          exposeErrorDetails: config.env === 'development',
          resolveCaller,
          pubsub,
          withoutPermissions: options.withoutPermissions,
          countSqlStatements: config.deployment.sqlStatementsByService,
          jsonBodyLimitBytes: config.jsonBodyLimitBytes,
          limits: config.limits,
          gatewayVerifier,
          limiter: countingRejections(limiter, 'token_requests', name),
          readinessChecks,
          processMetrics: name === processMetricsBy,
          inProcess,
        });
        servers.push(server);
        serviceLogger(name).info(`subgraph ${name} listening on ${server.url}/graphql`);
      }
    }
    if (services.includes('gateway')) {
      // Idempotency-Keys live in the database, so every gateway replica shares them (gateway/idempotency).
      if (!db && config.databaseUrl) {
        gatewayDb = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize, connectTimeoutMs: config.databaseConnectTimeoutMs });
      }
      const keysDb = db ?? gatewayDb;
      if (!keysDb) log.warn('gateway: no database in this process (DATABASE_URL unset): Idempotency-Keys are kept in its memory only');
      // SUPERGRAPH_PATH: this project's supergraph by default, or any other composed one (its own subgraphs at their routing URLs).
      const supergraph = loadSupergraph(config.supergraphPath, config.subgraphUrls);
      servers.push(
        await startGateway({
          host: config.host,
          port: config.gatewayPort,
          supergraphSdl: supergraph.supergraphSdl,
          subgraphUrls: supergraph.subgraphUrls,
          subgraphConnections: config.subgraphConnections,
          inProcessSubgraphs: inProcess,
          subgraphTimeoutMs: config.subgraphTimeoutMs,
          subgraphTimeoutsMs: config.subgraphTimeoutsMs,
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
          idempotencyStore: keysDb ? new DatabaseIdempotencyStore(keysDb.sql) : undefined,
          idempotencyKeyTtlSeconds: config.events.idempotencyKeyTtlSeconds,
          responseCache: config.responseCache,
          sharedReads: config.sharedReads,
          pubsub,
        }),
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { servers, db, services: built, stop };
}

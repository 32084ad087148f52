// Boots one subgraph: its SDL and resolvers become a federated schema behind Apollo Server
// on Express, with the shared context, error policy, /healthz, /readyz, /metrics and graceful stop.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLError, parse, type DocumentNode } from 'graphql';
import type { IRules } from 'graphql-shield';
import { applyPermissions } from '../rbac/apply';
import type { PubSub } from '../pubsub';
import { serveSubscriptions } from './subscriptions';
import { AuditTrail, auditPlugin } from '../rbac/audit';
import type { AuditBatch } from '../rbac/audit-batch';
import { compiledExecution } from './compiled-execution';
import { auditedClient } from '../audit/transactional';
import { DEFAULT_JSON_BODY_LIMIT_BYTES, type Config, type SubgraphName } from '../config';
import { prismaReads, type Database, type Prisma, type ReadSql } from '../db/database';
import type { PatientFactsSource } from '../domain/patient-facts';
import { scalarResolvers } from '../graphql/scalars';
import { serviceLogger, withLazyChildLogger, type Logger } from '../logger';
import type { Clock } from '../clock';
import type { ProcessJobQueue } from '../queue/jobs';
import type { ResolveCaller } from '../auth/identity';
import type { SubgraphContext } from './context';
import { formatErrorFor } from './format-error';
import { listen, type RunningServer } from './listen';
import { subgraphLimits } from '../limits/subgraph';
import { abandonedRequestLog, abandonedWhenClosed } from '../limits/abort';
import type { LimitsSettingValues } from '../limits/tiers';
import { createRateLimiter, type RateLimiter } from '../limits/rate-limit';
import { unauthenticated } from '../auth/verify';
import type { ForwardedRequest } from '../trust/envelope';
import { forwardedRequestOf, signedRequests, type GatewayVerifier } from './verify-gateway';
import { nameLoaders } from '../graphql/loader-metrics';
import { metricsEndpoint } from '../observability/service-metrics';
import { requestMetricsPlugin } from '../observability/request-metrics';
import { requestSqlCounting } from '../observability/request-sql';
import { graphqlTracingPlugin } from '../observability/graphql-tracing';
import { databaseCheck, readinessEndpoint, type ReadinessCheck } from './readiness';
import { audienceOf, type AudienceMember } from '../trust/audience';
import type { InProcessAnswer, InProcessCall, InProcessSubgraph, InProcessSubgraphs } from './in-process';
import { remainingGraceMs } from './shutdown';

export interface SubgraphModule<L = unknown, S = unknown> {
  name: SubgraphName;
  typeDefs: DocumentNode;
  // Resolver maps are checked per subgraph; here any parent/args shape is accepted.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  resolvers: GraphQLResolverMap<any>;
  /** graphql-shield rules built from the RBAC matrix; every field not named is denied. */
  permissions: IRules;
  /** A request's DataLoaders, built from what they read through (LoaderDeps). */
  createLoaders(deps: LoaderDeps<S>): L;
  /**
   * Builds the subgraph's services from its dependencies, once per process, just before it listens:
   * what its resolvers use beyond the request (a queue, a turn runner, a cached reader, rate limits)
   * and the work it does outside requests (scheduled jobs, queue workers, background turns).
   * `services` reaches every request as `ctx.services`; `stop` ends it all.
   */
  startServices?(deps: SubgraphDeps): Promise<StartedServices<S>>;
}

/** What a request's loaders read through; each subgraph takes only what it uses. */
export interface LoaderDeps<S = unknown> {
  prisma: Prisma;
  ports: DomainPorts;
  /** The process's services (startServices), shared by every request. */
  services: S;
  /** The hot loaders' SQL, sent past Prisma's model layer. */
  reads: ReadSql;
}

export interface StartedServices<S> {
  services: S;
  stop(): Promise<void>;
}

/**
 * What a subgraph reads of another domain in-process, provided by that domain's owner and passed
 * in by the process wiring (bin/launch.ts): the patient facts (shared/domain/patient-facts.ts).
 */
export interface DomainPorts {
  patientFacts: PatientFactsSource;
}

/** What a subgraph's services are built from: the same database and events as its resolvers, and the outside world. */
export interface SubgraphDeps {
  prisma: Prisma;
  ports: DomainPorts;
  /** Raw SQL on the same database (PGlite or a server), e.g. for a Postgres job queue. */
  db: Database;
  pubsub: PubSub;
  /** The process's job queue (shared/queue/jobs.ts): a subgraph that sends or works jobs starts it; the process stops it. */
  queue: ProcessJobQueue;
  config: Config;
  log: Logger;
  /** The time domain decisions are made at (shared/clock.ts). */
  clock: Clock;
  /** How the graph is reached over HTTP (the catalog readers, Luna's tools; default: the global fetch); a test passes a fake gateway. */
  fetch?: typeof fetch;
}

/** Services of a subgraph served without them (a test of its resolvers alone): using one says so. */
function notStarted<S>(name: string): S {
  return new Proxy({} as object, {
    get(_, key) {
      if (typeof key === 'symbol' || key === 'then') return undefined;
      throw new Error(`the ${name} subgraph's services are not running in this process (${String(key)})`);
    },
  }) as S;
}

/** Reads the schema.graphql that sits beside a subgraph's resolvers. */
export function loadTypeDefs(dir: string): DocumentNode {
  return parse(readFileSync(path.join(dir, 'schema.graphql'), 'utf8'));
}

export interface StartSubgraphOptions<S = unknown> {
  prisma: Prisma;
  /** What the module's startServices built (omitted: a subgraph served without them, whose resolvers that need one fail saying so). */
  services?: S;
  /** The hot loaders' reads past Prisma (Database.reads); default: through Prisma's raw query. */
  reads?: ReadSql;
  /** Reads of other domains' data, from their owners (DomainPorts). */
  ports: DomainPorts;
  host: string;
  port: number;
  /** Include stack traces in error responses (development only). */
  exposeErrorDetails: boolean;
  /** Verifies the forwarded token again (zero trust) and says who is calling. */
  resolveCaller: ResolveCaller;
  /** Where domain events are published (and subscriptions listen). */
  pubsub: PubSub;
  /** Benchmarks only (see bench/shield-cost.ts): leave out the graphql-shield rules. */
  withoutPermissions?: boolean;
  /** Largest JSON body read (default DEFAULT_JSON_BODY_LIMIT_BYTES). */
  jsonBodyLimitBytes?: number;
  /** Operation limits (config.limits); the settings' defaults when unset. */
  limits?: LimitsSettingValues;
  /** Checks the gateway's signature on every operation that arrives over the network (shared/server/verify-gateway.ts): nothing unsigned runs; a gateway in this process calls without a socket (inProcess). */
  gatewayVerifier: GatewayVerifier;
  /** Request limits (shared across replicas with Redis); default one in this process's memory. */
  limiter?: RateLimiter;
  /** What /readyz checks (default: the database, through Prisma). */
  readinessChecks?: ReadinessCheck[];
  /** Serve the process-wide series (CPU, memory, SQL) at /metrics too: one endpoint per process does (default true). */
  processMetrics?: boolean;
  /** Where a gateway in this process finds it, to call it without HTTP (SUBGRAPH_TRANSPORT=auto); unset: HTTP only. */
  inProcess?: InProcessSubgraphs;
  /** Count its requests' SQL statements on its /metrics (SQL_STATEMENTS_BY_SERVICE; default false). */
  countSqlStatements?: boolean;
}

export async function startSubgraph<L, S>(module: SubgraphModule<L, S>, options: StartSubgraphOptions<S>): Promise<RunningServer> {
  const log = serviceLogger(module.name);
  const services = options.services ?? notStarted<S>(module.name);
  const federated = buildSubgraphSchema([{ typeDefs: module.typeDefs, resolvers: { ...scalarResolvers, ...module.resolvers } as never }]);
  const limits = subgraphLimits<SubgraphContext<L, S>>(options.limits, !options.exposeErrorDetails);
  const schema = limits.guard(options.withoutPermissions ? federated : applyPermissions(federated, module.permissions));
  const app = express();
  // Its one caller, the gateway, never revalidates an answer: no ETag hashed over each (Express's
  // default, a SHA-1 of every lab list sent), and no X-Powered-By naming the framework.
  app.disable('etag');
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const formatError = formatErrorFor(log, options.exposeErrorDetails);
  const requestMetrics = requestMetricsPlugin({ service: module.name });
  const server = new ApolloServer<SubgraphContext<L, S>>({
    // Operations run compiled by graphql-jit (./compiled-execution.ts); the schema is the same.
    gateway: compiledExecution(schema),
    includeStacktraceInErrorResponses: options.exposeErrorDetails,
    formatError,
    // The process handles SIGTERM itself (shared/server/shutdown.ts) and drains the HTTP server (listen.ts).
    stopOnTerminationSignals: false,
    ...limits.apollo,
    // Inline traces feed Apollo Studio, which we do not use: skip their cost. Cache hints likewise:
    // no schema sets one and the gateway decides caching itself (gateway/http/graphql-over-http.ts),
    // and the plugin's per-field hook makes Apollo wrap every resolver of every response.
    // Apollo runs willSendResponse hooks side by side: the metrics see the response as executed;
    // one the audit then withholds is counted by audit_write_failures_total (shared/rbac/audit.ts).
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled(), auditPlugin(), abandonedRequestLog(), limits.plugin, requestMetrics, graphqlTracingPlugin({ service: module.name })],
  });
  await server.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: module.name });
  });
  app.get('/readyz', readinessEndpoint({ checks: options.readinessChecks ?? [databaseCheck((sql) => options.prisma.$queryRawUnsafe(sql))] }));
  app.get('/metrics', metricsEndpoint({ service: module.name, processMetrics: options.processMetrics ?? true }));
  const limiter = options.limiter ?? createRateLimiter(undefined);
  // One context shape for HTTP requests and websocket operations; who asked is what the gateway signed.
  const contextFor = async (meta: { authorization: string | null; forwarded: ForwardedRequest; signal?: AbortSignal; audience?: AudienceMember[] | null; auditBatch?: AuditBatch }) => {
    const { forwarded } = meta;
    const caller = await options.resolveCaller(meta.authorization);
    if ((caller.partnerId ?? null) !== forwarded.partnerId) throw unauthenticated('The token is not the one the gateway signed for');
    const audit = new AuditTrail();
    // The request's logger is made on first use (shared/logger.ts).
    const context = withLazyChildLogger(log, { requestId: forwarded.requestId }, {
      service: module.name,
      requestId: forwarded.requestId,
      correlationId: forwarded.correlationId,
      operationName: forwarded.operationName,
      clientIp: forwarded.clientIp,
      deadline: forwarded.deadline,
      prisma: options.prisma,
      pubsub: options.pubsub,
      loaders: nameLoaders(module.name, module.createLoaders({ prisma: options.prisma, ports: options.ports, services, reads: options.reads ?? prismaReads(options.prisma) })),
      services,
      caller,
      audit,
      limiter,
      authorization: meta.authorization,
      signal: meta.signal ?? new AbortController().signal,
      audience: meta.audience ?? null,
      auditBatch: meta.auditBatch ?? null,
    }) satisfies SubgraphContext<L, S>;
    // Each write of the request commits with the request's audit rows (shared/audit/transactional.ts).
    // A keyed mutation's writes leave receipts, so a retry of it never writes twice (shared/audit/receipts.ts).
    const receipt = forwarded.idempotencyToken ? { token: forwarded.idempotencyToken, service: module.name } : null;
    // A write (or rows written apart from the gateway's batch) makes the result this request's alone.
    context.prisma = auditedClient({ prisma: options.prisma, trail: audit, meta: context, receipt, onWrite: () => context.auditBatch?.happenedApart() });
    return context;
  };
  const signed = signedRequests({ verifier: options.gatewayVerifier, service: module.name });
  const sqlCounting = requestSqlCounting(module.name, options.countSqlStatements ?? false);
  app.use(
    '/graphql',
    signed.checkSignature,
    express.json({ limit: options.jsonBodyLimitBytes ?? DEFAULT_JSON_BODY_LIMIT_BYTES, verify: signed.hashBody }),
    signed.checkBody,
    sqlCounting.middleware,
    expressMiddleware(server, {
      // The body is the one the gateway signed (checkBody): its audience is the gateway's word.
      context: ({ req, res }) =>
        contextFor({ authorization: req.headers.authorization ?? null, forwarded: forwardedRequestOf(res), signal: abandonedWhenClosed(res), audience: audienceOf(req.body?.extensions) }),
    }),
  );
  // The same operation from a gateway in this process: the same context, the same Apollo Server,
  // the same response bound; what Apollo's HTTP handler would answer a failure with.
  const inFlight = new Set<Promise<InProcessAnswer>>();
  const answerInProcess = ({ operation, authorization, forwarded, signal, auditBatch }: InProcessCall) =>
    sqlCounting.during(async (): Promise<InProcessAnswer> => {
      let contextValue: SubgraphContext<L, S>;
      try {
        contextValue = await contextFor({ authorization, forwarded, signal, audience: audienceOf(operation.extensions), auditBatch });
      } catch (error) {
        await requestMetrics.contextCreationDidFail?.({ error: error instanceof Error ? error : new Error(String(error)) });
        return refusedContext(error, formatError);
      }
      try {
        const response = await server.executeOperation(operation, { contextValue });
        // Subgraphs are never asked for incremental delivery (the gateway plans @defer itself).
        if (response.body.kind !== 'single') throw new Error(`${module.name}: an incremental answer to an in-process operation`);
        const result = limits.overResponseLimit(response.body.singleResult) ?? response.body.singleResult;
        return { status: response.http.status ?? 200, cacheControl: response.http.headers.get('cache-control') ?? null, result };
      } catch (error) {
        log.error({ err: error }, 'an in-process operation failed');
        return { status: 500, cacheControl: null, result: { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] } };
      }
    });
  // Tracked so a stopping subgraph waits for them as it waits for its HTTP requests (the caller
  // gets any rejection; the tracking adds no unhandled one).
  const serveInProcess: InProcessSubgraph = (call) => {
    const answering = answerInProcess(call);
    const forget = () => inFlight.delete(answering);
    inFlight.add(answering);
    answering.then(forget, forget);
    return answering;
  };
  let stopServingInProcess = () => {};
  const stopSubscriptions = schema.getSubscriptionType()
    ? serveSubscriptions({
        httpServer,
        schema,
        service: module.name,
        contextFor,
        verifier: options.gatewayVerifier,
        log,
        exposeErrorDetails: options.exposeErrorDetails,
        maxPayloadBytes: options.jsonBodyLimitBytes ?? DEFAULT_JSON_BODY_LIMIT_BYTES,
      })
    : async () => {};
  const running = await listen(httpServer, options.host, options.port, module.name, {
    // Sockets close with 1001 (going away): the gateway's upstream client reconnects, to another replica or this one restarted.
    async beforeDrain() {
      stopServingInProcess();
      await stopSubscriptions();
    },
    async afterDrain() {
      await settledWithin([...inFlight], remainingGraceMs());
      await server.stop();
      if (!options.limiter) await limiter.close();
    },
  });
  if (options.inProcess) stopServingInProcess = options.inProcess.serve(module.name, `${running.url}/graphql`, serveInProcess);
  return running;
}

/** Waits for `work` to settle, for at most `ms`. */
async function settledWithin(work: Promise<unknown>[], ms: number): Promise<void> {
  if (!work.length) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.allSettled(work), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/**
 * A context that could not be made (the token refused, a partner mismatch): the answer Apollo's
 * HTTP handler gives, its status from the error's `http` extension (else 500) and the error
 * through the subgraph's error policy.
 */
function refusedContext(error: unknown, formatError: ReturnType<typeof formatErrorFor>): InProcessAnswer {
  const refusal = error instanceof GraphQLError ? error : new GraphQLError('Context creation failed', { originalError: error instanceof Error ? error : undefined });
  const { http: head, ...extensions } = refusal.extensions as { http?: { status?: number } } & Record<string, unknown>;
  const formatted = formatError({ message: refusal.message, extensions: { ...extensions, code: extensions.code ?? 'INTERNAL_SERVER_ERROR' } }, error);
  return { status: head?.status ?? 500, cacheControl: null, result: { errors: [formatted] } };
}

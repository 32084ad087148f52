// The gateway: one endpoint in front of the six subgraphs. Apollo Gateway plans each
// operation over the static supergraph; this module wires it to HTTP with the request
// context, health, readiness and metrics.
import http from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { bearerToken, type TokenVerifier } from '../shared/auth/verify';
import { serviceLogger } from '../shared/logger';
import { metricsEndpoint } from '../shared/observability/service-metrics';
import { requestMetricsPlugin } from '../shared/observability/request-metrics';
import { formatErrorFor } from '../shared/server/format-error';
import { listen, type RunningServer } from '../shared/server/listen';
import type { GatewayContext } from './context';
import { SubgraphDataSource } from './datasource';
import { upstreamClient, type UpstreamClient } from './http/upstream';
import { DEFAULT_PUBLIC_SERVICES } from './response-cache/eligibility';
import { planCache } from './plan-cache';
import { useCompiledResultShaping } from './result-shaping';
import { withBatchedAudit } from './audit-batch';
import { SharedReads, type GatewayExecutionResult } from './shared-reads';
import { GatheredReads } from './gathered-reads';
import { responseCache } from './response-cache';
import type { PubSub } from '../shared/pubsub';
import { subgraphGuards, type ResilienceOptions } from './resilience';
import { healthz, readyz, subgraphChecks } from './health';
import { redisCheck } from '../shared/server/readiness';
import { playground } from './playground';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { labUploadRouter } from './lab-upload';
import { webApp } from './web-app';
import { authSettings, corsSettings, DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS, DEFAULT_JSON_BODY_LIMIT_BYTES, DEFAULT_SUBGRAPH_CONNECTIONS, fhirSettings, labsSettings, transportSettings, type Config, type SharedReadsMode } from '../shared/config';
import { SubscriptionPlanner } from './subscriptions/planner';
import { serveGatewayWebSocket } from './subscriptions/server';
import { UpstreamPool } from './subscriptions/upstream';
import { SubscriptionFanout } from './subscriptions/fanout';
import { SubscriptionCaps, type SubscriptionCapsOptions } from './subscriptions/caps';
import { serveGatewaySse } from './subscriptions/sse';
import { partnerAccess } from './partner/access';
import { loadManifest } from './partner/persisted-operations';
import { createRateLimiter } from '../shared/limits/rate-limit';
import { countingRejections } from '../shared/limits/rate-limit-metrics';
import { tokenEndpoint } from './partner/token-endpoint';
import { fhirApi } from './fhir/router';
import { gatewayLimits } from './limits';
import { graphqlBody } from './limits/body';
import { websocketLimits } from './limits/websocket';
import { cors as corsAllowlist, type CorsOptions } from './cors';
import type { LimitsSettingValues } from '../shared/limits/tiers';
import { partnerClaims } from '../shared/auth/partner-issuer';
import { gatewayTrust, type GatewayTrustOptions } from './trust';
import { identityOf } from './trust/request-identity';
import { graphqlOverHttp, notePlannedServices } from './http/graphql-over-http';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { idempotencyPlugin, IDEMPOTENCY_LOCK_MARGIN_MS, MemoryIdempotencyStore, type IdempotencyStore } from './idempotency';
import { withDefer } from './defer/directive';
import { DeferPlanner } from './defer/planner';
import { deferPlugin, multipartAccept } from './defer/plugin';
import type { InProcessSubgraphs } from '../shared/server/in-process';

export interface GatewayOptions {
  host: string;
  port: number;
  supergraphSdl: string;
  /** Receives the function that swaps the served supergraph at runtime (hot reload; tests). */
  onSupergraphUpdater?: (update: (supergraphSdl: string) => void) => void;
  /** Where each subgraph of the supergraph is reached, by name (overrides the SDL's routing URLs). */
  subgraphUrls: Record<string, string>;
  subgraphTimeoutMs: number;
  /** Keep-alive connections kept open to each subgraph (SUBGRAPH_CONNECTIONS; default DEFAULT_SUBGRAPH_CONNECTIONS). */
  subgraphConnections?: number;
  /** The subgraphs this process serves (SUBGRAPH_TRANSPORT=auto): those at the URLs above are called without HTTP. */
  inProcessSubgraphs?: InProcessSubgraphs;
  /** A subgraph's own deadline, by name, where it differs from subgraphTimeoutMs (SUBGRAPH_<NAME>_TIMEOUT_MS). */
  subgraphTimeoutsMs?: Record<string, number>;
  /** Circuit breaker and retry between the gateway and each subgraph (gateway/resilience.ts's defaults when unset). */
  resilience?: ResilienceOptions;
  exposeErrorDetails: boolean;
  /** Verifies bearer tokens before anything is planned; subgraphs verify them again. */
  verifyToken: TokenVerifier;
  /** The dev issuer's public keys, served at /.well-known/jwks.json (development only). */
  devJwks?: { keys: object[] };
  /** Serve the playground and answer introspection (config.playground: on outside production); off when unset. */
  playground?: boolean;
  /** Largest body a client may send to /graphql (default DEFAULT_GRAPHQL_BODY_LIMIT_BYTES). */
  graphqlBodyLimitBytes?: number;
  /** Largest JSON body read from the gateway's own calls, and WebSocket frame (default DEFAULT_JSON_BODY_LIMIT_BYTES). */
  jsonBodyLimitBytes?: number;
  /** Largest lab report the REST upload takes (config.labs.maxUploadBytes). */
  maxUploadBytes?: number;
  /** The FHIR API's page sizes and public base URL (config.fhir); the settings' defaults when unset. */
  fhir?: Config['fhir'];
  /** Development only: mints the token the playground's Headers pane opens with. */
  devToken?: () => Promise<string>;
  /** Partner rate limits are counted here when set, so every gateway replica shares them. */
  redisUrl?: string;
  /** Operation limits (config.limits); the settings' defaults when unset. */
  limits?: LimitsSettingValues;
  /** Where a person's role is in their token (config.auth.roleClaim), for the limits' tiers. */
  roleClaim?: string;
  /** Browser origins allowed (gateway/cors.ts: corsOrigins); none when unset. */
  cors?: CorsOptions;
  /** The trust boundary: the key every forwarded request is signed with, the proxies believed (gateway/trust). */
  trust: GatewayTrustOptions;
  /** `max-age` of an anonymous GET query on public content (config.transport.publicMaxAgeSeconds); the setting's default when unset. */
  publicMaxAgeSeconds?: number;
  /** Subscriptions open at once per connection and per principal, over graphql-ws and SSE (config.transport); the settings' defaults when unset. */
  subscriptionCaps?: SubscriptionCapsOptions;
  /** Serve the process-wide series (CPU, memory, SQL) at /metrics too: one endpoint per process does (default true). */
  processMetrics?: boolean;
  /**
   * Where mutations' Idempotency-Keys are kept (gateway/idempotency): the database so every replica
   * shares them; in this process's memory when unset. Closed with the gateway.
   */
  idempotencyStore?: IdempotencyStore;
  /** How long a key keeps its first result (default DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS, 24 h). */
  idempotencyKeyTtlSeconds?: number;
  /** Anonymous public-content answers kept in memory (config.responseCache); off when unset or ttlSeconds is 0. */
  responseCache?: { ttlSeconds: number; maxBytes: number };
  /** How identical queries of one credential in flight share an execution: joined (gateway/shared-reads.ts, only when every subgraph runs in this process, else gathered) or gathered (gateway/gathered-reads.ts); off when unset. */
  sharedReads?: SharedReadsMode;
  /** The process's pub/sub (Redis when REDIS_URL is set): content changes empty the response cache. */
  pubsub?: PubSub;
}

/** The operation's name as the client gave it, or as the document's only named operation declares it. */
function operationNameOf(body: unknown): string | null {
  const { operationName, query } = (body ?? {}) as { operationName?: unknown; query?: unknown };
  const name = typeof operationName === 'string' ? operationName : typeof query === 'string' ? /^\s*(?:query|mutation|subscription)\s+([_A-Za-z]\w*)/.exec(query)?.[1] : undefined;
  return name && /^[_A-Za-z][_0-9A-Za-z]{0,127}$/.test(name) ? name : null;
}

export async function startGateway(options: GatewayOptions): Promise<RunningServer> {
  const log = serviceLogger('gateway');
  const limits = gatewayLimits({ settings: options.limits, roleClaim: options.roleClaim ?? authSettings.roleClaim.default!, hideSuggestions: !options.exposeErrorDetails });
  const trust = gatewayTrust(options.trust);
  // One circuit breaker per subgraph, whichever data source (HTTP operations, operations over WebSockets) calls it.
  const guardFor = subgraphGuards(options.resilience);
  // One keep-alive pool per subgraph, whichever data source calls it.
  const clients = new Map<string, UpstreamClient>();
  const clientFor = (name: string, url: string) => {
    let client = clients.get(name);
    if (!client) clients.set(name, (client = upstreamClient({ url, connections: options.subgraphConnections ?? DEFAULT_SUBGRAPH_CONNECTIONS, maxBytes: limits.settings.maxResponseBytes })));
    return client;
  };
  const dataSource = (name: string, url?: string) =>
    new SubgraphDataSource({
      name,
      url: options.subgraphUrls[name] ?? url!,
      timeoutMs: options.subgraphTimeoutsMs?.[name] ?? options.subgraphTimeoutMs,
      maxResponseBytes: limits.settings.maxResponseBytes,
      signer: trust.signer,
      guard: guardFor(name),
      client: clientFor(name, options.subgraphUrls[name] ?? url!),
      // Public data only (the content catalog): a caller's identical reads in flight share one fetch.
      dedupe: (DEFAULT_PUBLIC_SERVICES as readonly string[]).includes(name),
      inProcess: options.inProcessSubgraphs,
    });
  // @apollo/gateway otherwise sends usage data to Apollo's servers (its only switch is this
  // variable, read when the gateway is built): a health platform's gateway calls no third party.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  // Its executor shapes each result with the compiled walk (gateway/result-shaping.ts).
  useCompiledResultShaping();
  const gateway = new ApolloGateway({
    supergraphSdl: async ({ update }) => {
      options.onSupergraphUpdater?.(update);
      return { supergraphSdl: options.supergraphSdl };
    },
    buildService: ({ name, url }) => dataSource(name, url),
    // Which subgraphs each operation reaches: only public ones may make a GET answer cacheable.
    experimental_didResolveQueryPlan: notePlannedServices,
    // Each operation is planned once (keyed by its text's hash and name), counted on /metrics.
    queryPlannerConfig: { cache: planCache() },
  });
  const app = express();
  const httpServer = http.createServer(app);
  const cors = corsAllowlist(options.cors ?? { origins: [], maxAgeSeconds: corsSettings.maxAgeSeconds.default! });
  // The playground and introspection: on in development, off in production unless PLAYGROUND=true.
  const playgroundOn = options.playground ?? false;
  const overHttp = graphqlOverHttp({ publicMaxAgeSeconds: options.publicMaxAgeSeconds ?? transportSettings.publicMaxAgeSeconds.default! });
  const idempotencyStore = options.idempotencyStore ?? new MemoryIdempotencyStore();
  // The subgraphs' data sources for the gateway's own executions (subscriptions, @defer parts).
  const serviceMap = Object.fromEntries(Object.keys(options.subgraphUrls).map((name) => [name, dataSource(name)]));
  const local = options.inProcessSubgraphs;
  const inProcess = local ? Object.keys(options.subgraphUrls).filter((name) => local.find(local.key(options.subgraphUrls[name]), name)) : [];
  if (inProcess.length) log.info(`subgraphs called in this process, without HTTP: ${inProcess.join(', ')}`);
  // Identical reads of one credential: joined to one running only where every fetch is audited through
  // the gateway's batch (every subgraph in this process); else gathered for the next (each fetch names them all).
  const readsMode = options.sharedReads ?? 'off';
  const joining = readsMode === 'join' && inProcess.length === Object.keys(options.subgraphUrls).length;
  const sharedReads = joining ? new SharedReads<GatewayExecutionResult>() : undefined;
  const gatheredReads = readsMode !== 'off' && !joining ? new GatheredReads() : undefined;
  const audited = inProcess.length ? withBatchedAudit(gateway, log, sharedReads) : gateway;
  // @defer: planned with incremental delivery on, over the supergraph served (gateway/defer).
  let deferPlanner: DeferPlanner | undefined;
  let deferPlannerSdl = options.supergraphSdl;
  const planDeferred = () => (deferPlanner ??= new DeferPlanner(deferPlannerSdl));
  const server = new ApolloServer<GatewayContext>({
    // Served with the @defer directive (validation, introspection); executed in parts by deferPlugin.
    // With subgraphs in this process, an operation's audit rows are one statement (gateway/audit-batch.ts).
    gateway: withDefer(gatheredReads ? gatheredReads.wrap(audited) : audited),
    includeStacktraceInErrorResponses: options.exposeErrorDetails,
    formatError: formatErrorFor(log, options.exposeErrorDetails),
    introspection: playgroundOn,
    // The process handles SIGTERM itself (shared/server/shutdown.ts) and drains the HTTP server (listen.ts).
    stopOnTerminationSignals: false,
    ...limits.apollo,
    // GET queries are served to any client (GraphQL over HTTP): no CSRF preflight is demanded because
    // no credential is ambient. Identity travels only in the Authorization header (never a cookie),
    // so a cross-site request runs as anonymous; mutations over GET are refused with 405.
    csrfPrevention: false,
    // Apollo's own landing page loads from a CDN: ours (playground.ts) is served locally instead.
    plugins: [ApolloServerPluginLandingPageDisabled(), requestMetricsPlugin({ service: 'gateway' }),
      limits.plugin,
      overHttp.plugin,
      ApolloServerPluginCacheControlDisabled(),
      // After the limits: an operation they refuse never claims its key.
      idempotencyPlugin<GatewayContext>({
        store: idempotencyStore,
        ttlSeconds: options.idempotencyKeyTtlSeconds ?? DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS,
        principalOf: (context) => context.principal,
        setScope: (context, scope) => void (context.idempotencyScope = scope),
        // A claim outlives its attempt by a margin only: after it a retry runs again, the write receipts answer it.
        lockMs: Math.max(options.subgraphTimeoutMs, ...Object.values(options.subgraphTimeoutsMs ?? {})) + IDEMPOTENCY_LOCK_MARGIN_MS,
        log,
      }),
      deferPlugin({ planner: planDeferred, serviceMap, log, formatError: formatErrorFor(log, options.exposeErrorDetails) }),
    ],
  });
  await server.start();

  // Subscriptions: @apollo/gateway plans them but does not execute them; we do (subscriptions/).
  // Built on first use (a subscription, or an anonymous query the response cache looks at), like
  // the @defer planner: a second supergraph and planner beside @apollo/gateway's own is about a
  // tenth of the start's CPU, and a process that is never asked carries none of it.
  let planner: SubscriptionPlanner | undefined;
  let plannerSdl = options.supergraphSdl;
  const currentPlanner = () => (planner ??= new SubscriptionPlanner(plannerSdl));
  const upstream = new UpstreamPool(options.subgraphUrls, (service) => trust.signer.signSocket(service));
  const manifest = loadManifest();
  // Partner request rates, shared by POST /graphql and the streaming transports' queries and mutations.
  const limiter = createRateLimiter(options.redisUrl);
  const partnerLimiter = countingRejections(limiter, 'partner_requests', 'gateway');
  const streaming = {
    partnerLimiter,
    apollo: server,
    verifyToken: options.verifyToken,
    clientAddress: trust.identity.clientAddress,
    planner: currentPlanner,
    upstream,
    // Subscribers with the same selection and caller share each event's resolution.
    // An event delivered acknowledges a write: reads that started before it are not joined any more.
    fanout: new SubscriptionFanout(upstream, { onEvent: () => sharedReads?.endJoinWindows() }),
    serviceMap,
    log,
    limits: websocketLimits({ settings: limits.settings, maxPayloadBytes: options.jsonBodyLimitBytes ?? DEFAULT_JSON_BODY_LIMIT_BYTES }),
    tierOf: limits.tierOf,
    // One count per principal over both transports.
    caps: new SubscriptionCaps(
      options.subscriptionCaps ?? { perConnection: transportSettings.subscriptionsPerConnection.default!, perPrincipal: transportSettings.subscriptionsPerPrincipal.default! },
    ),
    manifest,
  };
  const websocket = serveGatewayWebSocket({ ...streaming, httpServer, allowOrigin: cors.allowsOrigin });
  const sse = serveGatewaySse({ ...streaming, formatError: formatErrorFor(log, options.exposeErrorDetails) });
  const answers = responseCache({
    planner: currentPlanner,
    ttlSeconds: options.responseCache?.ttlSeconds ?? 0,
    maxBytes: options.responseCache?.maxBytes ?? 0,
    pubsub: options.pubsub,
    log,
  });
  let currentSdl = options.supergraphSdl;
  gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => {
    if (coreSupergraphSdl === currentSdl) return;
    currentSdl = coreSupergraphSdl;
    plannerSdl = coreSupergraphSdl;
    planner = undefined;
    deferPlannerSdl = coreSupergraphSdl;
    deferPlanner = undefined;
    answers.invalidate();
    // A read planned over the old supergraph is not an answer for one checked against the new.
    sharedReads?.endJoinWindows();
    websocket.endAll('SUPERGRAPH_CHANGED', 'The supergraph changed: subscribe again');
    sse.endAll('SUPERGRAPH_CHANGED', 'The supergraph changed: subscribe again');
  });

  app.disable('x-powered-by');
  // Every response carries the gateway's own request id; X-Forwarded-For counts only from trusted proxies.
  app.set('trust proxy', trust.identity.trustProxy);
  app.use(trust.identity.middleware);
  app.use(cors.middleware);
  app.get('/healthz', healthz);
  const redisProbe = options.redisUrl ? redisCheck(options.redisUrl) : undefined;
  app.get('/readyz', readyz([...subgraphChecks(options.subgraphUrls, trust.signer), ...(redisProbe ? [redisProbe] : [])]));
  if (options.devJwks) {
    const jwks = options.devJwks;
    app.get('/.well-known/jwks.json', (_req, res) => {
      res.json(jwks);
    });
  }
  app.get('/metrics', metricsEndpoint({ service: 'gateway', processMetrics: options.processMetrics ?? true }));
  // REST upload for lab PDFs: parsed here, then run as the uploadLabReport mutation with the caller's token.
  app.use('/api/labs', labUploadRouter({ graphqlUrl: `http://127.0.0.1:${options.port}/graphql`, maxBytes: options.maxUploadBytes ?? labsSettings.maxUploadBytes.default!, verifyToken: options.verifyToken }));
  app.use('/oauth/token', tokenEndpoint({ graphqlUrl: `http://127.0.0.1:${options.port}/graphql` }));
  app.use('/app', webApp());
  // FHIR R4, read-only, over the graph with the caller's token (gateway/fhir).
  app.use('/fhir/R4', fhirApi({ graphqlUrl: `http://127.0.0.1:${options.port}/graphql`, verifyToken: options.verifyToken, config: options.fhir ?? { pageSize: fhirSettings.pageSize.default!, everythingMaxResources: fhirSettings.everythingMaxResources.default!, baseUrl: undefined }, log }));
  // Subscriptions (and queries, mutations) over SSE, graphql-sse's protocol: before /graphql, which would match its path.
  app.use('/graphql/stream', ...graphqlBody({ maxBytes: options.graphqlBodyLimitBytes, hopMaxBytes: options.jsonBodyLimitBytes }), sse.middleware);
  app.get('/graphql', playground({ enabled: playgroundOn, devToken: options.devToken }));
  app.use(
    '/graphql',
    overHttp.vary,
    multipartAccept,
    ...graphqlBody({ maxBytes: options.graphqlBodyLimitBytes, hopMaxBytes: options.jsonBodyLimitBytes }),
    partnerAccess({ verifyToken: options.verifyToken, manifest, limiter: partnerLimiter }),
    answers.middleware,
    expressMiddleware(server, {
      context: async ({ req, res }) => {
        const token = bearerToken(req.headers.authorization);
        const claims = token ? await options.verifyToken(token) : null;
        const partner = claims ? partnerClaims(claims) : null;
        return {
          ...limits.requestContext(claims, res),
          ...identityOf(res),
          authorization: req.headers.authorization ?? null,
          operationName: operationNameOf(req.body),
          partnerId: partner?.partnerId ?? null,
          scopes: partner?.scopes ?? null,
          principal: partner ? `partner:${partner.partnerId}` : claims?.sub ? `user:${claims.iss ?? ''}:${claims.sub}` : null,
        };
      },
    }),
  );
  return listen(httpServer, options.host, options.port, 'gateway', {
    // Clients' sockets close with 1001 (going away) at once, so they reconnect to another replica.
    beforeDrain: () => websocket.close(),
    async afterDrain() {
      await answers.close();
      await upstream.close();
      await server.stop();
      await Promise.all([...clients.values()].map((client) => client.close()));
      await limiter.close();
      await redisProbe?.close();
      await idempotencyStore.close();
    },
  });
}

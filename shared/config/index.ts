// The processes' settings, typed: every environment variable the platform reads is declared in
// settings.ts and read here, once, by loadConfig(). A bad value stops start with one message
// naming every bad variable. Nothing else in the product reads process.env.
import path from 'node:path';
import { parseSection, type ValuesOf } from './define';
import {
  anthropicSettings,
  auditSettings,
  authSettings,
  corsSettings,
  limitsSettings,
  uploadSettings,
  databaseSettings,
  DEFAULT_GATEWAY_PORT,
  careAlertSettings,
  fhirExportSettings,
  fhirSettings,
  DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
  DEFAULT_MAX_TOKEN_LIFETIME_SECONDS_PRODUCTION,
  deploymentSettings,
  eventsSettings,
  gatewaySettings,
  labsSettings,
  lunaSettings,
  MCP_PORT_OFFSET,
  mcpSettings,
  partnerSettings,
  processSettings,
  SERVICE_NAMES,
  SIMULATOR_PORT_OFFSET,
  subgraphSettings,
  tokenSettings,
  tracingSettings,
  trustSettings,
  transportSettings,
  vendorSettings,
  WEARABLE_VENDORS,
  wearablesSettings,
  type SharedReadsMode,
  type SubgraphName,
  type WearableVendor,
} from './settings';

export * from './settings';

export const projectRoot = path.resolve(__dirname, '../..');

/**
 * SHARED_READS when unset. Another process's acknowledged writes do not end this one's join
 * windows: joined only where no other process can serve the same data (the embedded database
 * belongs to one), else gathered.
 */
export const defaultSharedReads = (databaseUrl: string | undefined): SharedReadsMode => (databaseUrl ? 'gather' : 'join');

/** Default subgraph ports: 4001..4006 in SERVICE_NAMES order (docs/architecture.md). */
export const DEFAULT_SUBGRAPH_PORTS = Object.fromEntries(SERVICE_NAMES.map((name, i) => [name, DEFAULT_GATEWAY_PORT + i + 1])) as Record<SubgraphName, number>;

export type VendorConfig = ValuesOf<ReturnType<typeof vendorSettings>>;

export interface Config {
  env: 'development' | 'test' | 'production';
  host: string;
  gatewayPort: number;
  subgraphPorts: Record<SubgraphName, number>;
  /** The gateway's own GraphQL URL as background work reaches it (Luna's tools); `GATEWAY_URL` overrides. */
  gatewayUrl: string;
  /** Base URL per subgraph as the gateway reaches it; `SUBGRAPH_<NAME>_URL` overrides. */
  subgraphUrls: Record<SubgraphName, string>;
  /** Services this process runs (`SERVICES`); empty = all. `--service` arguments take precedence. */
  services: string[];
  databaseUrl: string | undefined;
  /** Redis for pub/sub across processes; unset = in-process events (one process only). */
  redisUrl: string | undefined;
  dataDir: string;
  /** Fill an empty database with the demo data set on start (off in production unless SEED=true). */
  seed: boolean;
  seedPatients: number | undefined;
  logLevel: string;
  /** Milliseconds the gateway waits for one subgraph request. */
  subgraphTimeoutMs: number;
  /** Per subgraph: SUBGRAPH_<NAME>_TIMEOUT_MS, else SUBGRAPH_TIMEOUT_MS. */
  subgraphTimeoutsMs: Record<SubgraphName, number>;
  /** Largest JSON body the gateway and the subgraphs parse. */
  /** Largest body a client may send to the gateway's /graphql. */
  graphqlBodyLimitBytes: number;
  jsonBodyLimitBytes: number;
  /** Serve the playground and answer introspection. */
  playground: boolean;
  /** The composed supergraph file the gateway serves (SUPERGRAPH_PATH, absolute). */
  supergraphPath: string;
  /** Keep-alive connections the gateway keeps to each subgraph (SUBGRAPH_CONNECTIONS). */
  subgraphConnections: number;
  /** `auto`: subgraphs in the gateway's own process are called without HTTP (SUBGRAPH_TRANSPORT). */
  subgraphTransport: 'auto' | 'http';
  /** The gateway's cache of anonymous public-content answers (gateway/response-cache). */
  responseCache: { ttlSeconds: number; maxBytes: number };
  /** How identical queries of one credential in flight share an execution (SHARED_READS): joined by default on the embedded database, else gathered. */
  sharedReads: SharedReadsMode;
  /** Pool size per process for a PostgreSQL server. */
  databasePoolSize: number;
  /** How long start-up keeps retrying an unreachable PostgreSQL server before exiting. */
  databaseConnectTimeoutMs: number;
  auth: ValuesOf<typeof authSettings>;
  partner: ValuesOf<typeof partnerSettings>;
  /** Null without ANTHROPIC_API_KEY. */
  anthropic: { apiKey: string; baseUrl: string | undefined } | null;
  labs: ValuesOf<typeof labsSettings>;
  luna: ValuesOf<typeof lunaSettings>;
  wearables: ValuesOf<typeof wearablesSettings> & { simulatorPortBase: number; vendors: Record<WearableVendor, VendorConfig> };
  fhir: ValuesOf<typeof fhirSettings>;
  fhirExport: ValuesOf<typeof fhirExportSettings>;
  careAlerts: ValuesOf<typeof careAlertSettings>;
  mcp: ValuesOf<typeof mcpSettings> & { port: number };
  limits: ValuesOf<typeof limitsSettings>;
  cors: ValuesOf<typeof corsSettings>;
  /** GET caching and subscription caps at the gateway (GraphQL over HTTP, graphql-ws, SSE). */
  transport: ValuesOf<typeof transportSettings>;
  uploads: ValuesOf<typeof uploadSettings>;
  /** Tokens: audience, lifetimes, clock skew, the token-request limit (item 5 of issue 13). */
  tokens: ValuesOf<typeof tokenSettings> & { maxLifetimeSeconds: number };
  /** The gateway's signatures on forwarded requests, trusted proxies, correlation ids. */
  trust: ValuesOf<typeof trustSettings>;
  /** Database roles and the signed digests of the audit trail. */
  audit: ValuesOf<typeof auditSettings>;
  deployment: ValuesOf<typeof deploymentSettings>;
  /** The transactional outbox's relay and the gateway's idempotency keys. */
  events: ValuesOf<typeof eventsSettings>;
  /** OpenTelemetry traces: off without an OTLP endpoint. */
  tracing: ValuesOf<typeof tracingSettings>;
}

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid settings:\n${problems.map((problem) => `- ${problem}`).join('\n')}`);
  }
}

/** Reads and checks every setting; throws SettingsError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const proc = parseSection(processSettings, env, problems);
  const subgraphs = parseSection(subgraphSettings, env, problems);
  const database = parseSection(databaseSettings, env, problems);
  const gateway = parseSection(gatewaySettings, env, problems);
  const auth = parseSection(authSettings, env, problems);
  const partner = parseSection(partnerSettings, env, problems);
  const anthropic = parseSection(anthropicSettings, env, problems);
  const labs = parseSection(labsSettings, env, problems);
  const luna = parseSection(lunaSettings, env, problems);
  const wearables = parseSection(wearablesSettings, env, problems);
  const vendors = Object.fromEntries(WEARABLE_VENDORS.map((vendor) => [vendor, parseSection(vendorSettings(vendor), env, problems)])) as Record<WearableVendor, VendorConfig>;
  const fhir = parseSection(fhirSettings, env, problems);
  const fhirExport = parseSection(fhirExportSettings, env, problems);
  const careAlerts = parseSection(careAlertSettings, env, problems);
  if (careAlerts.webhookUrl && !careAlerts.webhookSecret) problems.push('CARE_ALERT_WEBHOOK_SECRET: required when CARE_ALERT_WEBHOOK_URL is set');
  if (careAlerts.webhookUrl?.startsWith('http:') && proc.env === 'production') problems.push('CARE_ALERT_WEBHOOK_URL: must be https in production (alerts carry health information)');
  const mcp = parseSection(mcpSettings, env, problems);
  const limits = parseSection(limitsSettings, env, problems);
  const cors = parseSection(corsSettings, env, problems);
  const transport = parseSection(transportSettings, env, problems);
  const events = parseSection(eventsSettings, env, problems);
  const uploads = parseSection(uploadSettings, env, problems);
  // A file is one GraphQL answer (with JSON escaping): it must fit the response limit with room to spare.
  if (fhirExport.fileMaxBytes > limits.maxResponseBytes / 2) problems.push(`FHIR_EXPORT_FILE_MAX_BYTES: at most half of RESPONSE_MAX_BYTES (${Math.floor(limits.maxResponseBytes / 2)})`);
  const tokens = parseSection(tokenSettings, env, problems);
  const trust = parseSection(trustSettings, env, problems);
  const audit = parseSection(auditSettings, env, problems);
  const deployment = parseSection(deploymentSettings, env, problems);
  if (deployment.workers > 1 && !(database.url && database.redisUrl)) problems.push('WORKERS: more than one worker needs DATABASE_URL and REDIS_URL (the embedded database belongs to one process; events and limits must reach every worker)');
  const tracing = parseSection(tracingSettings, env, problems);
  if (problems.length) throw new SettingsError(problems);

  const mode = proc.env as Config['env'];
  // PORT_BASE moves the whole set together (tests run beside a dev instance).
  const base = proc.portBase;
  const subgraphPorts = Object.fromEntries(
    SERVICE_NAMES.map((name, i) => [name, (subgraphs[`${name}Port`] as number | undefined) ?? (base !== undefined ? base + i + 1 : DEFAULT_SUBGRAPH_PORTS[name])]),
  ) as Record<SubgraphName, number>;
  const subgraphUrls = Object.fromEntries(
    SERVICE_NAMES.map((name) => [name, (subgraphs[`${name}Url`] as string | undefined) ?? `http://127.0.0.1:${subgraphPorts[name]}/graphql`]),
  ) as Record<SubgraphName, string>;
  const gatewayPort = proc.gatewayPort ?? base ?? DEFAULT_GATEWAY_PORT;
  return {
    env: mode,
    host: proc.host,
    gatewayPort,
    gatewayUrl: proc.gatewayUrl ?? `http://127.0.0.1:${gatewayPort}/graphql`,
    subgraphPorts,
    subgraphUrls,
    services: proc.services,
    databaseUrl: database.url,
    redisUrl: database.redisUrl,
    dataDir: path.resolve(projectRoot, proc.dataDir),
    seed: proc.seed ?? mode !== 'production',
    seedPatients: proc.seedPatients,
    logLevel: proc.logLevel ?? (mode === 'test' ? 'warn' : 'info'),
    subgraphTimeoutMs: gateway.subgraphTimeoutMs,
    subgraphTimeoutsMs: Object.fromEntries(SERVICE_NAMES.map((name) => [name, (subgraphs[`${name}TimeoutMs`] as number | undefined) ?? gateway.subgraphTimeoutMs])) as Record<SubgraphName, number>,
    graphqlBodyLimitBytes: gateway.graphqlBodyLimitBytes,
    jsonBodyLimitBytes: gateway.jsonBodyLimitBytes,
    playground: gateway.playground ?? mode !== 'production',
    supergraphPath: path.resolve(projectRoot, gateway.supergraphPath),
    subgraphConnections: gateway.subgraphConnections,
    subgraphTransport: gateway.subgraphTransport,
    responseCache: { ttlSeconds: gateway.responseCacheTtlSeconds, maxBytes: gateway.responseCacheMaxBytes },
    sharedReads: gateway.sharedReads ?? defaultSharedReads(database.url),
    databasePoolSize: database.poolSize,
    databaseConnectTimeoutMs: database.connectTimeoutMs,
    auth,
    partner,
    anthropic: anthropic.apiKey ? { apiKey: anthropic.apiKey, baseUrl: anthropic.baseUrl } : null,
    labs,
    luna,
    wearables: {
      ...wearables,
      simulatorPortBase: wearables.simulatorPortBase ?? (base ?? DEFAULT_GATEWAY_PORT) + SIMULATOR_PORT_OFFSET,
      vendors,
    },
    fhir,
    fhirExport,
    careAlerts,
    mcp: { ...mcp, port: mcp.port ?? (base ?? DEFAULT_GATEWAY_PORT) + MCP_PORT_OFFSET },
    limits,
    cors,
    transport,
    uploads,
    tokens: {
      ...tokens,
      maxLifetimeSeconds: tokens.maxLifetimeSeconds ?? (mode === 'production' ? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS_PRODUCTION : DEFAULT_MAX_TOKEN_LIFETIME_SECONDS),
    },
    trust,
    audit,
    deployment,
    events,
    tracing,
  };
}

let current: Config | undefined;

/**
 * This process's settings, read from its environment on first use. Code that runs without a
 * runtime object to carry them (a resolver's helper, the logger) reads them here.
 */
export function processConfig(): Config {
  current ??= loadConfig();
  return current;
}

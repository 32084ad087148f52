// The catalog of every setting the platform's processes read: the one place an environment
// variable is named, typed, defaulted and documented. index.ts parses it into the typed Config;
// the README's settings table is rendered from it (scripts/settings-table.ts, checked by a test).
import { flag, list, oneOf, optional, port, setting, text, url, whole, type Section } from './define';

export const SERVICE_NAMES = ['patient', 'labs', 'protocols', 'wearables', 'content', 'luna'] as const;
export type SubgraphName = (typeof SERVICE_NAMES)[number];
export const WEARABLE_VENDORS = ['OURA', 'WHOOP', 'DEXCOM', 'GARMIN'] as const;
export type WearableVendor = (typeof WEARABLE_VENDORS)[number];

/** Default ports: gateway 4000, subgraphs 4001..4006 in SERVICE_NAMES order (DESIGN.md). */
export const DEFAULT_GATEWAY_PORT = 4000;
/** The MCP server's HTTP port, ten above the gateway (PORT_BASE moves it too). */
export const MCP_PORT_OFFSET = 10;
/** The wearable vendors' simulators, eleven to fourteen above the gateway. */
export const SIMULATOR_PORT_OFFSET = 11;
/** Where the embedded database and the development keys live when DATABASE_URL is unset. */
export const DEFAULT_DATA_DIR = '.data';
/** The gateway's deadline for one subgraph request. */
export const DEFAULT_SUBGRAPH_TIMEOUT_MS = 10_000;
/** Largest JSON request body the gateway and the subgraphs parse: a 10 MB lab report in base64 (+1/3) fits. */
export const DEFAULT_JSON_BODY_LIMIT_BYTES = 15 * 1024 * 1024;
export const DEFAULT_DATABASE_POOL_SIZE = 10;
/** How long start-up keeps retrying an unreachable PostgreSQL server before exiting. */
export const DEFAULT_DATABASE_CONNECT_TIMEOUT_MS = 15_000;

export const processSettings = {
  env: setting('NODE_ENV', oneOf(['development', 'test', 'production']), 'development', '`production` hides error details and requires real keys; `test` quiets logs'),
  host: setting('HOST', text(), '127.0.0.1', 'interface to listen on (`0.0.0.0` in containers)'),
  portBase: optional('PORT_BASE', port(), 'moves every port together: gateway on it, subgraphs on the next six, MCP +10, simulators +11…14'),
  gatewayPort: optional('PORT', port(), 'gateway port', { shown: '`4000` (or `PORT_BASE`)' }),
  gatewayUrl: optional('GATEWAY_URL', url(), 'where background work (Luna\'s tools) and the MCP server reach the graph', { shown: '`http://127.0.0.1:<PORT>/graphql`' }),
  services: setting('SERVICES', list(), [], 'comma list of services for this process (same as `--service`); empty = all', { shown: 'all' }),
  logLevel: optional('LOG_LEVEL', oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'pino log level', { shown: '`info` (`warn` in tests)' }),
  dataDir: setting('DATA_DIR', text(), DEFAULT_DATA_DIR, 'folder of the embedded database and of the development keys'),
  seed: optional('SEED', flag(), 'load the demo data set into an empty database on start', { shown: '`true` except in production' }),
  seedPatients: optional('SEED_PATIENTS', whole(1, 100_000), 'how many patients the demo data set has', { shown: '`200`' }),
} satisfies Section;

/** `SUBGRAPH_<NAME>_PORT` and `_URL` for each subgraph. */
export const subgraphSettings = Object.fromEntries(
  SERVICE_NAMES.flatMap((name, i) => [
    [`${name}Port`, optional(`SUBGRAPH_${name.toUpperCase()}_PORT`, port(), "a subgraph's port (`PATIENT`, `LABS`, `PROTOCOLS`, `WEARABLES`, `CONTENT`, `LUNA`)", { shown: `\`${DEFAULT_GATEWAY_PORT + 1}\`…\`${DEFAULT_GATEWAY_PORT + SERVICE_NAMES.length}\` (\`PORT_BASE\`+1…)`, family: 'SUBGRAPH_<NAME>_PORT' })],
    [`${name}Url`, optional(`SUBGRAPH_${name.toUpperCase()}_URL`, url(), 'where the gateway reaches a subgraph', { shown: '`http://127.0.0.1:<port>/graphql`', family: 'SUBGRAPH_<NAME>_URL' })],
  ]),
) as Record<`${SubgraphName}${'Port' | 'Url'}`, ReturnType<typeof optional<number | string>>>;

export const databaseSettings = {
  url: optional('DATABASE_URL', url(), 'PostgreSQL server to use, e.g. `postgresql://user:pass@host:5432/loop`; unset = embedded PGlite in `DATA_DIR`', { secret: true }),
  poolSize: setting('DATABASE_POOL_SIZE', whole(1, 1_000), DEFAULT_DATABASE_POOL_SIZE, 'connections per process to a PostgreSQL server'),
  connectTimeoutMs: setting('DATABASE_CONNECT_TIMEOUT_MS', whole(0), DEFAULT_DATABASE_CONNECT_TIMEOUT_MS, 'how long start-up retries an unreachable server before exiting with an error'),
  redisUrl: optional('REDIS_URL', url(), 'Redis for events and shared limits across processes (required with more than one process)', { secret: true }),
} satisfies Section;

export const gatewaySettings = {
  subgraphTimeoutMs: setting('SUBGRAPH_TIMEOUT_MS', whole(1), DEFAULT_SUBGRAPH_TIMEOUT_MS, "the gateway's deadline per subgraph request"),
  jsonBodyLimitBytes: setting('JSON_BODY_LIMIT_BYTES', whole(1_024), DEFAULT_JSON_BODY_LIMIT_BYTES, 'largest JSON request body the gateway and the subgraphs read', { shown: '`15728640` (15 MB)' }),
  playground: optional('PLAYGROUND', flag(), 'serve the playground at `GET /graphql` and answer introspection', { shown: 'on except in production' }),
} satisfies Section;

export const authSettings = {
  clerkJwtKey: optional('CLERK_JWT_KEY', text(), "Clerk instance's PEM public key: networkless token verification"),
  jwksUrl: optional('AUTH_JWKS_URL', url(), 'a JWKS URL to verify tokens with (instead of `CLERK_JWT_KEY`)'),
  issuer: optional('AUTH_ISSUER', text(), 'required `iss` of tokens', { shown: 'unset (dev: `loop-health-dev`)' }),
  authorizedParties: setting('AUTH_AUTHORIZED_PARTIES', list(), [], 'comma list of accepted `azp` values; empty = not checked', { shown: 'unset' }),
  roleClaim: setting('AUTH_ROLE_CLAIM', text(), 'publicMetadata.adminRole', 'dotted path of the role claim'),
} satisfies Section;

/** Partner tokens are short-lived: a revoked credential's token stops working soon even where revocation is not checked. */
export const DEFAULT_PARTNER_TOKEN_TTL_SECONDS = 15 * 60;

export const partnerSettings = {
  signingJwk: optional('PARTNER_SIGNING_JWK', text(), 'private RSA JWK (with a `kid`) that signs partner tokens: only the patient subgraph needs it', { shown: 'unset (dev: a key in `DATA_DIR`)', secret: true }),
  jwks: optional('PARTNER_JWKS', text(), 'the public JWKS partner tokens are verified with, on every service; partner access is off in production without it', { shown: 'unset (dev: the key above)' }),
  tokenTtlSeconds: setting('PARTNER_TOKEN_TTL_SECONDS', whole(60, 3_600), DEFAULT_PARTNER_TOKEN_TTL_SECONDS, "lifetime of a partner's client-credentials token (60 to 3600)"),
} satisfies Section;

/** The Claude model Luna and the lab extractor use unless told otherwise. */
export const DEFAULT_CLAUDE_MODEL = 'claude-sonnet-4-6';

export const anthropicSettings = {
  apiKey: optional('ANTHROPIC_API_KEY', text(), "Claude for Luna and the lab extractor; unset = Luna's offline model, no AI extraction", { secret: true }),
  baseUrl: optional('ANTHROPIC_BASE_URL', url(), "the Messages API's base URL", { shown: "the SDK's" }),
} satisfies Section;

export const labsSettings = {
  maxUploadBytes: setting('LAB_UPLOAD_MAX_BYTES', whole(1), 10 * 1024 * 1024, 'largest lab report accepted (its base64 must stay under `JSON_BODY_LIMIT_BYTES`)', { shown: '`10485760` (10 MB)' }),
  maxPdfPages: setting('LAB_UPLOAD_MAX_PAGES', whole(1), 50, 'most pages a PDF report may have (a report is a few; thousands are an attack or a mistake)'),
  extractTimeoutMs: setting('LAB_EXTRACT_TIMEOUT_MS', whole(1), 30_000, "deadline for reading a PDF's text"),
  extractorModel: setting('LAB_EXTRACTOR_MODEL', text(), DEFAULT_CLAUDE_MODEL, 'model of the AI extractor'),
  extractorTimeoutMs: setting('LAB_EXTRACTOR_TIMEOUT_MS', whole(1), 60_000, "one AI extractor request's deadline"),
} satisfies Section;

export const lunaSettings = {
  model: setting('LUNA_MODEL', text(), DEFAULT_CLAUDE_MODEL, 'the Claude model Luna talks with'),
  modelTimeoutMs: setting('LUNA_MODEL_TIMEOUT_MS', whole(1), 30_000, 'longest silence from the model (before and during its stream)'),
  modelRetries: setting('LUNA_MODEL_RETRIES', whole(0, 10), 3, 'retries of a model request after overload (529), 429, 5xx or a timeout'),
  modelRetryBaseMs: setting('LUNA_MODEL_RETRY_BASE_MS', whole(0), 500, "the first retry's wait; it doubles per retry (with jitter, at most 8 s)"),
  maxOutputTokens: setting('LUNA_MAX_OUTPUT_TOKENS', whole(1), 1_024, 'room for one answer (a short chat reply)'),
  contextTokens: setting('LUNA_CONTEXT_TOKENS', whole(0), 6_000, "how much of the conversation's recent history a turn sends (estimated tokens)"),
  turnTimeoutMs: setting('LUNA_TURN_TIMEOUT_MS', whole(1), 120_000, "a whole turn's deadline (model steps and tools together)"),
  toolTimeoutMs: setting('LUNA_TOOL_TIMEOUT_MS', whole(1), 10_000, "one tool call's deadline (a GraphQL request through the gateway)"),
  replaySeconds: setting('LUNA_REPLAY_SECONDS', whole(1), 120, "how long a turn's events stay replayable after the latest one"),
  offlineChunkDelayMs: setting('LUNA_OFFLINE_CHUNK_DELAY_MS', whole(0), 15, "the offline model's pause between chunks, so its stream can be watched"),
} satisfies Section;

export const wearablesSettings = {
  tokenKeys: optional('WEARABLE_TOKEN_KEYS', text(), '`kid:base64key,…` (32-byte keys, `openssl rand -base64 32`); the first encrypts, all decrypt (rotation)', { shown: 'dev: a key made once in `DATA_DIR/wearables/`; **required in production**', secret: true }),
  redirectUri: optional('WEARABLES_REDIRECT_URI', url(), 'the app page vendors send the browser back to (`<PROVIDER>_REDIRECT_URI` per vendor); required for a real vendor', { shown: "the simulator's `/callback`" }),
  syncCron: setting('WEARABLES_SYNC_CRON', text(), '0 3 * * *', 'when the daily sync runs (UTC)'),
  syncConcurrency: setting('WEARABLES_SYNC_CONCURRENCY', whole(1), 2, 'sync jobs per provider per process (each waits mostly on the vendor)'),
  initialSyncDays: setting('WEARABLES_INITIAL_SYNC_DAYS', whole(1), 30, "how far back a new connection's first sync reaches"),
  oauthStateTtlSeconds: setting('WEARABLES_OAUTH_STATE_TTL_SECONDS', whole(1), 600, 'how long a started connection may be completed'),
  httpMaxAttempts: setting('WEARABLES_HTTP_MAX_ATTEMPTS', whole(1), 4, 'attempts per vendor request (the first plus retries on 429, 5xx, network errors)'),
  httpBackoffMs: setting('WEARABLES_HTTP_BACKOFF_MS', whole(0), 250, 'first retry delay; doubles per attempt (with jitter) unless the vendor sends Retry-After'),
  httpMaxBackoffMs: setting('WEARABLES_HTTP_MAX_BACKOFF_MS', whole(0), 30_000, 'longest wait between two attempts, whatever Retry-After says'),
  httpTimeoutMs: setting('WEARABLES_HTTP_TIMEOUT_MS', whole(1), 15_000, "one vendor request's deadline"),
  syncRetryLimit: setting('WEARABLES_SYNC_RETRY_LIMIT', whole(0), 3, 'queue retries of a failed sync (after the in-job HTTP retries)'),
  syncRetryDelaySeconds: setting('WEARABLES_SYNC_RETRY_DELAY_SECONDS', whole(1), 30, 'first queue retry delay of a failed sync'),
  simulatorPortBase: optional('WEARABLES_SIMULATOR_PORT_BASE', port(), 'first simulator port (Oura, WHOOP, Dexcom, Garmin in turn)', { shown: '`4011` (`PORT_BASE`+11)' }),
  rawPayloadRetentionDays: setting('WEARABLES_RAW_PAYLOAD_RETENTION_DAYS', whole(1), 90, 'how long raw vendor pages are kept (to re-derive readings when a mapping changes)'),
} satisfies Section;

/** `<PROVIDER>_CLIENT_ID`, `_CLIENT_SECRET`, `_AUTHORIZE_URL`, `_TOKEN_URL`, `_API_URL`, `_REDIRECT_URI` per vendor. */
export function vendorSettings(vendor: WearableVendor) {
  const family = (suffix: string) => ({ family: `<PROVIDER>_${suffix}` });
  return {
    clientId: optional(`${vendor}_CLIENT_ID`, text(), "the vendor app's client id (`OURA`, `WHOOP`, `DEXCOM`, `GARMIN`); unset outside production = the local simulator", family('CLIENT_ID')),
    clientSecret: optional(`${vendor}_CLIENT_SECRET`, text(), "the vendor app's client secret", { secret: true, ...family('CLIENT_SECRET') }),
    authorizeUrl: optional(`${vendor}_AUTHORIZE_URL`, url(), "overrides the vendor's authorization endpoint (a sandbox)", { shown: "the vendor's", ...family('AUTHORIZE_URL') }),
    tokenUrl: optional(`${vendor}_TOKEN_URL`, url(), "overrides the vendor's token endpoint", { shown: "the vendor's", ...family('TOKEN_URL') }),
    apiUrl: optional(`${vendor}_API_URL`, url(), "overrides the vendor's API base URL", { shown: "the vendor's", ...family('API_URL') }),
    redirectUri: optional(`${vendor}_REDIRECT_URI`, url(), 'this vendor\'s redirect URI', { shown: '`WEARABLES_REDIRECT_URI`', ...family('REDIRECT_URI') }),
  } satisfies Section;
}

const allVendorSettings: Section = Object.fromEntries(
  WEARABLE_VENDORS.flatMap((vendor) => Object.entries(vendorSettings(vendor)).map(([key, spec]) => [`${vendor}.${key}`, spec])),
);

export const mcpSettings = {
  port: optional('MCP_PORT', port(), "the MCP server's streamable HTTP port", { shown: '`4010` (`PORT_BASE`+10)' }),
  gatewayTimeoutMs: setting('MCP_GATEWAY_TIMEOUT_MS', whole(1), 15_000, 'how long one GraphQL call through the gateway may take before the tool reports a failure'),
  stdioToken: optional('LOOP_TOKEN', text(), "the stdio transport's caller token (never used over HTTP)", { secret: true }),
} satisfies Section;

/** How long a stopping process will get to finish its work: Kubernetes gives it this plus a margin (deploy/k8s). */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

export const deploymentSettings = {
  shutdownGraceMs: setting(
    'SHUTDOWN_GRACE_MS',
    whole(0, 600_000),
    DEFAULT_SHUTDOWN_GRACE_MS,
    "how long a stopping process will get after SIGTERM to finish in-flight requests and jobs; deploy/k8s's `terminationGracePeriodSeconds` is this plus 5 s. Declared ahead of the graceful shutdown that will read it: nothing reads it yet",
  ),
  wearablesSyncWorkers: setting(
    'WEARABLES_SYNC_WORKERS',
    flag(),
    true,
    "run the wearables sync queue's workers and daily schedule in this wearables process; `false` = it only queues jobs (API replicas, when a worker Deployment runs them: deploy/k8s)",
  ),
} satisfies Section;

/** Every section, titled, in the order the README lists them. */
export const CATALOG: { title: string; section: Section }[] = [
  { title: 'Processes and ports', section: { ...processSettings, ...subgraphSettings } },
  { title: 'Database and Redis', section: databaseSettings },
  { title: 'Gateway', section: gatewaySettings },
  { title: 'Identity', section: authSettings },
  { title: 'Partner access', section: partnerSettings },
  { title: 'Claude (Luna and the lab extractor)', section: anthropicSettings },
  { title: 'Lab reports', section: labsSettings },
  { title: 'Luna', section: lunaSettings },
  { title: 'Wearables', section: { ...wearablesSettings, ...allVendorSettings } },
  { title: 'MCP server', section: mcpSettings },
  { title: 'Deployment', section: deploymentSettings },
];

// The catalog of every setting the platform's processes read: the one place an environment
// variable is named, typed, defaulted and documented. index.ts parses it into the typed Config;
// the README's settings table is rendered from it (scripts/settings-table.ts, checked by a test).
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { flag, list, oneOf, optional, port, setting, text, url, whole, type Section, type Setting } from './define';

export const SERVICE_NAMES = ['patient', 'labs', 'protocols', 'wearables', 'content', 'luna'] as const;
export type SubgraphName = (typeof SERVICE_NAMES)[number];
export const WEARABLE_VENDORS = ['OURA', 'WHOOP', 'DEXCOM', 'GARMIN'] as const;
export type WearableVendor = (typeof WEARABLE_VENDORS)[number];

/** How identical queries of one credential in flight share an execution (SHARED_READS): joined, gathered, or not. */
export const SHARED_READS_MODES = ['join', 'gather', 'off'] as const;
export type SharedReadsMode = (typeof SHARED_READS_MODES)[number];

/** Default ports: gateway 4000, subgraphs 4001..4006 in SERVICE_NAMES order (docs/architecture.md). */
export const DEFAULT_GATEWAY_PORT = 4000;
/** The MCP server's HTTP port, ten above the gateway (PORT_BASE moves it too). */
export const MCP_PORT_OFFSET = 10;
/** The wearable vendors' simulators, eleven to fourteen above the gateway. */
export const SIMULATOR_PORT_OFFSET = 11;
/** Where the embedded database and the development keys live when DATABASE_URL is unset. */
export const DEFAULT_DATA_DIR = '.data';
/** The gateway's deadline for one subgraph request. */
export const DEFAULT_SUBGRAPH_TIMEOUT_MS = 10_000;
/** Largest body a client may POST to /graphql (docs/architecture.md's contract, Apollo Router's default). */
export const DEFAULT_GRAPHQL_BODY_LIMIT_BYTES = 2 * 1024 * 1024;
/** Largest JSON request body the gateway reads from its own calls and the subgraphs parse: a 10 MB lab report in base64 (+1/3) fits. */
export const DEFAULT_JSON_BODY_LIMIT_BYTES = 15 * 1024 * 1024;
/** The supergraph the gateway serves, relative to the project folder: this project's, composed by `npm run compose`. */
export const DEFAULT_SUPERGRAPH_PATH = 'schema/supergraph.graphql';
/** Open keep-alive connections the gateway keeps to each subgraph origin (undici pool). */
export const DEFAULT_SUBGRAPH_CONNECTIONS = 32;
/** Anonymous public-content answers are kept a minute at most (content mutations empty the cache at once). */
export const DEFAULT_RESPONSE_CACHE_TTL_SECONDS = 60;
/** Room for a few thousand catalog pages. */
export const DEFAULT_RESPONSE_CACHE_MAX_BYTES = 32 * 1024 * 1024;
export const DEFAULT_DATABASE_POOL_SIZE = 10;
/** How long a shared cache may keep a public content read fetched by GET (seconds). */
export const DEFAULT_PUBLIC_MAX_AGE_SECONDS = 60;
/** A dashboard opens a handful of subscriptions; a socket with more is a bug or an abuse. */
export const DEFAULT_SUBSCRIPTIONS_PER_CONNECTION = 20;
/** One person (several tabs, devices) or one partner credential, on one gateway process. */
export const DEFAULT_SUBSCRIPTIONS_PER_PRINCIPAL = 50;
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
    [`${name}TimeoutMs`, optional(`SUBGRAPH_${name.toUpperCase()}_TIMEOUT_MS`, whole(1), "the gateway's deadline per request to that subgraph", { shown: '`SUBGRAPH_TIMEOUT_MS`', family: 'SUBGRAPH_<NAME>_TIMEOUT_MS' })],
  ]),
) as Record<`${SubgraphName}${'Port' | 'Url' | 'TimeoutMs'}`, ReturnType<typeof optional<number | string>>>;

export const databaseSettings = {
  url: optional('DATABASE_URL', url(), 'PostgreSQL server to use, e.g. `postgresql://user:pass@host:5432/loop`; unset = embedded PGlite in `DATA_DIR`', { secret: true }),
  poolSize: setting('DATABASE_POOL_SIZE', whole(1, 1_000), DEFAULT_DATABASE_POOL_SIZE, 'connections per process to a PostgreSQL server'),
  connectTimeoutMs: setting('DATABASE_CONNECT_TIMEOUT_MS', whole(0), DEFAULT_DATABASE_CONNECT_TIMEOUT_MS, 'how long start-up retries an unreachable server before exiting with an error'),
  redisUrl: optional('REDIS_URL', url(), 'Redis for events and shared limits across processes (required with more than one process)', { secret: true }),
} satisfies Section;

export const gatewaySettings = {
  supergraphPath: setting('SUPERGRAPH_PATH', text(), DEFAULT_SUPERGRAPH_PATH, "the composed supergraph file the gateway serves (relative to the project folder, or absolute); any composed supergraph works: subgraphs it names that are not this project's are reached at its own routing URLs", { shown: '`schema/supergraph.graphql`' }),
  subgraphConnections: setting('SUBGRAPH_CONNECTIONS', whole(1, 1_024), DEFAULT_SUBGRAPH_CONNECTIONS, 'keep-alive connections the gateway keeps open to each subgraph (its undici pool); requests beyond them queue'),
  subgraphTransport: setting(
    'SUBGRAPH_TRANSPORT',
    oneOf(['auto', 'http'] as const),
    'auto',
    "how the gateway reaches a subgraph: `auto` calls one running in its own process (at the URL it listens on) without HTTP, through the subgraph's own server and checks; `http` always over HTTP",
  ),
  subgraphTimeoutMs: setting('SUBGRAPH_TIMEOUT_MS', whole(1), DEFAULT_SUBGRAPH_TIMEOUT_MS, "the gateway's deadline per subgraph request"),
  graphqlBodyLimitBytes: setting('GRAPHQL_BODY_LIMIT_BYTES', whole(1_024), DEFAULT_GRAPHQL_BODY_LIMIT_BYTES, "largest body a client may send to the gateway's `/graphql` (413 `OPERATION_LIMIT` beyond; Apollo Router's default); lab reports up to `LAB_UPLOAD_MAX_BYTES` go to `POST /api/labs/upload`", { shown: '`2097152` (2 MB)' }),
  jsonBodyLimitBytes: setting('JSON_BODY_LIMIT_BYTES', whole(1_024), DEFAULT_JSON_BODY_LIMIT_BYTES, "largest JSON body read from the gateway's own calls (the REST upload's mutation) and by the subgraphs", { shown: '`15728640` (15 MB)' }),
  playground: optional('PLAYGROUND', flag(), 'serve the playground at `GET /graphql` and answer introspection', { shown: 'on except in production' }),
  responseCacheTtlSeconds: setting('RESPONSE_CACHE_TTL_SECONDS', whole(0, 86_400), DEFAULT_RESPONSE_CACHE_TTL_SECONDS, "how long the gateway keeps an anonymous caller's answer to a public-content query (`0`: no response cache); a content mutation empties it at once on every replica"),
  responseCacheMaxBytes: setting('RESPONSE_CACHE_MAX_BYTES', whole(0), DEFAULT_RESPONSE_CACHE_MAX_BYTES, 'bytes of answers the response cache keeps (least recently used go first)', { shown: '`33554432` (32 MiB)' }),
  sharedReads: optional(
    'SHARED_READS',
    oneOf(SHARED_READS_MODES),
    "identical queries of one credential in flight at once share one execution, each audited as its own. `join`: a query joins an identical one already running (gateway/shared-reads.ts), so it may miss a write committed since that one started unless this process acknowledged the write: only where one process serves the database (no other worker or replica), and only where every subgraph runs in the gateway's process (else it gathers). `gather`: a query waits for the identical one running to end, then runs as one execution with the others that arrived meanwhile (gateway/gathered-reads.ts): never older than the request. `off`: every query runs on its own",
    { shown: '`join` with the embedded database, `gather` with `DATABASE_URL`' },
  ),
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

/** Care-alert severities, most urgent first. */
export const CARE_ALERT_SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
/**
 * How long an alert may wait unacknowledged before it is escalated to the admins. Critical: 15
 * minutes, well inside the 30-60 minutes within which hospital policies (CLIA, The Joint
 * Commission NPSG.02.03.01) expect a critical result to reach a responsible clinician.
 */
export const DEFAULT_ESCALATE_AFTER_SECONDS = { CRITICAL: 15 * 60, HIGH: 60 * 60, MEDIUM: 4 * 3600, LOW: 24 * 3600 } as const;

export const careAlertSettings = {
  ...Object.fromEntries(
    CARE_ALERT_SEVERITIES.map((severity) => [
      `escalate${severity}`,
      setting(`CARE_ALERT_ESCALATE_${severity}_SECONDS`, whole(1), DEFAULT_ESCALATE_AFTER_SECONDS[severity] as number, 'an alert of this severity nobody has acknowledged this long is escalated to the admins (`CRITICAL` 15 min, `HIGH` 1 h, `MEDIUM` 4 h, `LOW` 24 h)', {
        shown: '`900`, `3600`, `14400`, `86400`',
        family: 'CARE_ALERT_ESCALATE_<SEVERITY>_SECONDS',
      }),
    ]),
  ) as Record<`escalate${(typeof CARE_ALERT_SEVERITIES)[number]}`, Setting<number>>,
  escalationRepeatSeconds: setting('CARE_ALERT_ESCALATION_REPEAT_SECONDS', whole(1), 30 * 60, 'after the first escalation, escalated again this often while still unacknowledged'),
  maxEscalations: setting('CARE_ALERT_MAX_ESCALATIONS', whole(1), 10, 'escalations of one alert at most (then it waits in the queue, escalated)'),
  pollSeconds: setting('CARE_ALERT_POLL_SECONDS', z.coerce.number().min(0.5), 1, 'how often a worker looks for alert jobs another process sent (its own process wakes it at once)'),
  webhookUrl: optional('CARE_ALERT_WEBHOOK_URL', url(), 'where alert notifications are POSTed, signed (https in production); unset = alerts are still stored, streamed and escalated'),
  webhookSecret: optional('CARE_ALERT_WEBHOOK_SECRET', z.string().min(32), 'the HMAC-SHA256 key of the webhook signature header (32+ characters; required with the URL)', { secret: true }),
  webhookTimeoutMs: setting('CARE_ALERT_WEBHOOK_TIMEOUT_MS', whole(100), 5_000, "one webhook delivery attempt's deadline"),
  webhookRetryLimit: setting('CARE_ALERT_WEBHOOK_RETRY_LIMIT', whole(0), 5, 'retries of a failed delivery before it is dead-lettered'),
  webhookRetryDelaySeconds: setting('CARE_ALERT_WEBHOOK_RETRY_DELAY_SECONDS', whole(1), 30, "the first retry's delay; it doubles per retry (with jitter)"),
} satisfies Section;

/** Largest FHIR page (_count): the graph's own page limit (shared/graphql/pagination.ts). */
export const MAX_FHIR_PAGE_SIZE = 100;

export const fhirSettings = {
  pageSize: setting('FHIR_PAGE_SIZE', whole(1, MAX_FHIR_PAGE_SIZE), 50, 'resources per FHIR search page when the client sends no `_count`'),
  everythingMaxResources: setting('FHIR_EVERYTHING_MAX_RESOURCES', whole(1), 10_000, 'most resources in one `Patient/{id}/$everything` Bundle without `_count` (then a `next` link)'),
  baseUrl: optional('FHIR_BASE_URL', url().transform((value) => value.replace(/\/+$/, '')), "the FHIR API's public base (`…/fhir/R4`) for `fullUrl` and paging links behind a proxy", { shown: "the request's own host" }),
} satisfies Section;

/** A finished export's files are kept a day: long enough to download, short enough not to become a second copy of the record. */
export const DEFAULT_FHIR_EXPORT_RETENTION_SECONDS = 24 * 3_600;
/** The job's delegated token: a few minutes, renewed while the export runs (the requester's own token is long gone). */
export const DEFAULT_FHIR_EXPORT_TOKEN_TTL_SECONDS = 120;
/** One NDJSON file at most this big: it is served through one GraphQL answer, well under RESPONSE_MAX_BYTES. */
export const DEFAULT_FHIR_EXPORT_FILE_MAX_BYTES = 2 * 1024 * 1024;

/** The patient's own Bulk Data export (`Patient/{id}/$export`): a job on the process's queue in the patient subgraph. */
export const fhirExportSettings = {
  retentionSeconds: setting('FHIR_EXPORT_RETENTION_SECONDS', whole(60, 30 * 86_400), DEFAULT_FHIR_EXPORT_RETENTION_SECONDS, "how long a finished (or failed) export's status and NDJSON files are kept before they are deleted"),
  maxActivePerPatient: setting('FHIR_EXPORT_MAX_ACTIVE_PER_PATIENT', whole(1, 100), 2, 'exports of one patient queued or running at once; another kick-off gets 429 (retry later)'),
  workers: setting('FHIR_EXPORT_WORKERS', whole(1, 16), 1, 'export jobs run at once by each patient-subgraph process (each reads the record page by page through the gateway)'),
  retryLimit: setting('FHIR_EXPORT_RETRY_LIMIT', whole(0, 20), 3, 'queue retries of an export whose run failed (the gateway unreachable, a process stopped mid-run); then it is FAILED'),
  retryDelaySeconds: setting('FHIR_EXPORT_RETRY_DELAY_SECONDS', whole(1, 3_600), 30, "the first retry's delay; it doubles per retry (with jitter)"),
  jobTimeoutSeconds: setting('FHIR_EXPORT_JOB_TIMEOUT_SECONDS', whole(60, 86_400), 30 * 60, 'longest one run may take; a run past it (its process died) is retried by the queue'),
  pageTimeoutMs: setting('FHIR_EXPORT_PAGE_TIMEOUT_MS', whole(1_000), 60_000, "one page of the record (`$everything`, 100 resources) through the gateway: its deadline"),
  fileMaxBytes: setting('FHIR_EXPORT_FILE_MAX_BYTES', whole(64 * 1024), DEFAULT_FHIR_EXPORT_FILE_MAX_BYTES, 'largest NDJSON file; a type with more is split over several files (at most half of `RESPONSE_MAX_BYTES`)', { shown: '`2097152` (2 MB)' }),
  tokenTtlSeconds: setting('FHIR_EXPORT_TOKEN_TTL_SECONDS', whole(30, 300), DEFAULT_FHIR_EXPORT_TOKEN_TTL_SECONDS, "lifetime of the job's delegated read-only token for the requester (30 to 300)"),
  pollSeconds: setting('FHIR_EXPORT_POLL_SECONDS', z.coerce.number().min(0.5), 2, 'how often a worker looks for export jobs another process queued (its own process wakes it at once)'),
} satisfies Section;

export const mcpSettings = {
  port: optional('MCP_PORT', port(), "the MCP server's streamable HTTP port", { shown: '`4010` (`PORT_BASE`+10)' }),
  gatewayTimeoutMs: setting('MCP_GATEWAY_TIMEOUT_MS', whole(1), 15_000, 'how long one GraphQL call through the gateway may take before the tool reports a failure'),
  stdioToken: optional('LOOP_TOKEN', text(), "the stdio transport's caller token (never used over HTTP)", { secret: true }),
} satisfies Section;

/**
 * Operation limits (gateway/limits, shared/limits): checked at the gateway before planning and
 * again at every subgraph. Signed-in = customer; staff = admin, staff, provider, support and
 * partner clients. Defaults leave every operation this project ships at most half of each limit
 * (test/operation-limits.test.ts); the figures are those of Apollo Router and GitHub, scaled down.
 */
/** The largest response sent or read from a subgraph: the dashboard of 100 patients is ~1 MB. */
export const DEFAULT_RESPONSE_MAX_BYTES = 8 * 1024 * 1024;

export const limitsSettings = {
  maxTokens: setting('LIMIT_TOKENS', whole(100), 15_000, "most lexical tokens in a GraphQL document (the parser stops counting there: Apollo Router's default)"),
  maxDepth: setting('LIMIT_DEPTH', whole(1), 16, 'deepest nesting of fields, signed in (the staff dashboard is 8)'),
  maxDepthAnonymous: setting('LIMIT_DEPTH_ANONYMOUS', whole(1), 10, 'deepest nesting of fields without a token (public content is 4)'),
  maxAliases: setting('LIMIT_ALIASES', whole(0), 100, 'most aliased fields in one operation (fragments counted each time they are spread), signed in'),
  maxAliasesAnonymous: setting('LIMIT_ALIASES_ANONYMOUS', whole(0), 10, 'most aliased fields without a token'),
  maxRootFields: setting('LIMIT_ROOT_FIELDS', whole(1), 100, 'most root fields (queries or mutations) in one operation, signed in (aliased ones count: staff tools read dozens of patients by id in one request)'),
  maxRootFieldsAnonymous: setting('LIMIT_ROOT_FIELDS_ANONYMOUS', whole(1), 8, 'most root fields without a token'),
  maxDirectivesPerField: setting('LIMIT_DIRECTIVES_PER_FIELD', whole(1), 4, 'most directives on one field or fragment (`@skip`, `@include`, `@defer` make three)'),
  maxSelections: setting('LIMIT_SELECTIONS', whole(1), 3_000, 'most fields in an operation once its fragments are spread out (a fragment spread twice counts twice)'),
  maxCost: setting('LIMIT_COST', whole(1), 250_000, 'highest cost for staff and partners: each object 1, multiplied by its list size (`first`, or the documented list maximum); the partner export page is ~100,000'),
  maxCostCustomer: setting('LIMIT_COST_CUSTOMER', whole(1), 25_000, "highest cost for a patient's own token"),
  maxCostAnonymous: setting('LIMIT_COST_ANONYMOUS', whole(1), 5_000, 'highest cost without a token'),
  maxStringLength: setting('LIMIT_STRING_LENGTH', whole(16), 100_000, 'longest string argument in characters (a lab report\'s `contentBase64` is bounded by `LAB_UPLOAD_MAX_BYTES` instead)'),
  lunaMessagesPerOperation: setting('LIMIT_LUNA_MESSAGES_PER_OPERATION', whole(1, 10), 1, 'most `sendLunaMessage` fields in one mutation (each one starts a model turn)'),
  lunaTurnsPerMinute: setting('LUNA_TURNS_PER_MINUTE', whole(1), 10, "Luna turns one user may start per minute (counted in Redis with `REDIS_URL`, so replicas share it)"),
  requestTimeoutMs: setting('GATEWAY_REQUEST_TIMEOUT_MS', whole(1), 30_000, "a whole operation's deadline at the gateway: then every upstream fetch is aborted, as when the client goes away"),
  maxResponseBytes: setting('RESPONSE_MAX_BYTES', whole(1_024), DEFAULT_RESPONSE_MAX_BYTES, 'largest response a gateway or subgraph sends, and the gateway reads from a subgraph (`OPERATION_LIMIT` beyond)', { shown: '`8388608` (8 MB)' }),
} satisfies Section;

/** The gateway's transports beyond POST: GET queries and their caching (gateway/http), subscriptions over graphql-ws and SSE (gateway/subscriptions). */
export const transportSettings = {
  publicMaxAgeSeconds: setting('GRAPHQL_PUBLIC_MAX_AGE_SECONDS', whole(0, 86_400), DEFAULT_PUBLIC_MAX_AGE_SECONDS, "`Cache-Control: public, max-age=` of a `GET /graphql` query that an anonymous caller ran on public content only (everything else is `private, no-store`)"),
  subscriptionsPerConnection: setting('SUBSCRIPTIONS_PER_CONNECTION', whole(1, 1_000), DEFAULT_SUBSCRIPTIONS_PER_CONNECTION, 'most subscriptions open at once on one graphql-ws socket or one SSE connection (`OPERATION_LIMIT`, limit `subscriptionsPerConnection`, beyond)'),
  subscriptionsPerPrincipal: setting('SUBSCRIPTIONS_PER_PRINCIPAL', whole(1, 100_000), DEFAULT_SUBSCRIPTIONS_PER_PRINCIPAL, 'most subscriptions one user or partner credential holds open on one gateway, over every connection and transport (`OPERATION_LIMIT`, limit `subscriptionsPerPrincipal`, beyond)'),
} satisfies Section;

/** Cross-origin browsers (gateway/cors.ts). */
export const corsSettings = {
  origins: setting('CORS_ORIGINS', list(), [], 'comma list of exact origins (`https://app.example.com`) browsers may call the graph from, HTTP and WebSocket; in development the gateway\'s own origin and `http://localhost:5173` / `http://127.0.0.1:5173` are added', { shown: 'none (dev: see meaning)' }),
  maxAgeSeconds: setting('CORS_MAX_AGE_SECONDS', whole(0, 86_400), 600, 'how long a browser may cache a preflight answer (Access-Control-Max-Age)'),
} satisfies Section;

/** Lab-report uploads as hostile input (gateway/lab-upload.ts, subgraphs/labs/extract/pdf-pool.ts). */
export const uploadSettings = {
  perMinute: setting('LAB_UPLOADS_PER_MINUTE', whole(1), 10, 'lab reports one user may upload per minute (REST and GraphQL together; Redis with `REDIS_URL`)'),
  perHour: setting('LAB_UPLOADS_PER_HOUR', whole(1), 60, 'lab reports one user may upload per hour'),
  pdfWorkers: setting('LAB_PDF_WORKERS', whole(1, 16), 1, 'worker threads reading PDFs per labs process (each may use `LAB_PDF_WORKER_MEMORY_MB`)'),
  pdfQueue: setting('LAB_PDF_QUEUE', whole(0), 8, 'PDFs waiting for a worker beyond which an upload is refused (`RATE_LIMITED`, retry shortly)'),
  pdfWorkerMemoryMb: setting('LAB_PDF_WORKER_MEMORY_MB', whole(32), 256, "a PDF worker's heap cap: a document that needs more is refused as unreadable and the worker replaced"),
  pdfMaxInflatedMb: setting('LAB_PDF_MAX_INFLATED_MB', whole(1), 64, "most MB a PDF's compressed streams may unpack to, checked with zlib before the PDF is parsed (a flate bomb unpacks 1,000 to 1)"),
  pdfMaxTextChars: setting('LAB_PDF_MAX_TEXT_CHARS', whole(1_000), 2_000_000, 'most characters of text read from one PDF (a 50-page report has ~200,000)'),
} satisfies Section;

/** How long a request the gateway signed stays acceptable to a subgraph: it is sent at once, so this only absorbs clock skew. */
export const DEFAULT_GATEWAY_SIGNATURE_TTL_SECONDS = 30;
/** Longest client `x-request-id` kept (as the correlation id); longer or odd ones are dropped. */
export const DEFAULT_CORRELATION_ID_MAX_LENGTH = 128;

/** The trust boundary between the gateway and the subgraphs (gateway/trust, shared/server/verify-gateway.ts). */
export const trustSettings = {
  signingJwk: optional('GATEWAY_SIGNING_JWK', text(), 'private Ed25519 JWK (with a `kid`) the gateway signs every request it forwards to a subgraph with (`npm run -s keys`); only the gateway needs it', { shown: 'dev: a key made once in `DATA_DIR/gateway-trust/`; **required in production**', secret: true }),
  jwks: optional('GATEWAY_JWKS', text(), "the public JWKS subgraphs verify the gateway's signatures with; a request without a valid one gets 401", { shown: 'dev: the key above; **required in production**' }),
  signatureTtlSeconds: setting('GATEWAY_SIGNATURE_TTL_SECONDS', whole(1, 300), DEFAULT_GATEWAY_SIGNATURE_TTL_SECONDS, 'how long after signing a subgraph accepts a forwarded request (clock skew between hosts included)'),
  trustedProxies: setting('TRUSTED_PROXIES', list(), [], 'proxies in front of the gateway whose `X-Forwarded-For` is believed (addresses, CIDRs, or `loopback`, `uniquelocal`); empty = the socket address is the client', { shown: 'none' }),
  correlationIdMaxLength: setting('CORRELATION_ID_MAX_LENGTH', whole(8, 1_024), DEFAULT_CORRELATION_ID_MAX_LENGTH, "longest client `x-request-id` kept as the audit rows' correlation id (letters, digits, `._:-` only)"),
} satisfies Section;

/** Longest token lifetime accepted in production (Clerk session tokens live a minute, partner tokens at most an hour). */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS_PRODUCTION = 3_600;
/** Outside production: room for the 8-hour tokens the playground and the README's examples mint. */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 12 * 3_600;
/** Seconds of clock difference tolerated on exp/nbf/iat between an issuer and us. */
export const DEFAULT_CLOCK_SKEW_SECONDS = 5;
/** Token requests per client address per minute (`/oauth/token` and `issuePartnerToken` together): slows secret guessing. */
export const DEFAULT_TOKEN_REQUESTS_PER_MINUTE = 30;

export const tokenSettings = {
  audience: setting('AUTH_AUDIENCE', list(), [], 'comma list of accepted `aud` values of user tokens (for Clerk: add `aud` to the session token); the dev issuer and partner tokens carry the first, or `loop-health-supergraph`', { shown: 'unset (not checked in development); **required in production**' }),
  maxLifetimeSeconds: optional('AUTH_MAX_TOKEN_LIFETIME_SECONDS', whole(60, 30 * 86_400), 'longest token lifetime accepted: `exp` − `iat` (or − now without `iat`); `exp` is always required', { shown: '`3600` in production, `43200` (12 h) otherwise' }),
  clockSkewSeconds: setting('AUTH_CLOCK_SKEW_SECONDS', whole(0, 300), DEFAULT_CLOCK_SKEW_SECONDS, 'clock difference tolerated on `exp`, `nbf` and `iat` (an `iat` further in the future is refused)'),
  tokenRequestsPerMinute: setting('PARTNER_TOKEN_REQUESTS_PER_MINUTE', whole(1, 100_000), DEFAULT_TOKEN_REQUESTS_PER_MINUTE, 'partner token requests per client address per minute, `POST /oauth/token` and `issuePartnerToken` counted together (in Redis with `REDIS_URL`)'),
} satisfies Section;

/** How often the audit rows written since the last digest are signed. */
export const DEFAULT_AUDIT_DIGEST_INTERVAL_SECONDS = 300;
/** Rows younger than this wait for the next digest: a row committed late must not land in a range already signed. */
export const DEFAULT_AUDIT_DIGEST_LAG_SECONDS = 10;
/** Most rows one digest covers; a backlog is signed in several digests at once. */
export const DEFAULT_AUDIT_DIGEST_MAX_ROWS = 10_000;

/** Who may change the audit trail (database roles) and how changes are detected (signed digests). */
export const auditSettings = {
  ownerUrl: optional('DATABASE_OWNER_URL', url(), "PostgreSQL URL of the role that owns the schema: migrations run with it and it grants `DATABASE_URL`'s role what the application needs (on the audit tables only INSERT and SELECT); unset = `DATABASE_URL` does both", { secret: true }),
  digestSigningJwk: optional('AUDIT_DIGEST_SIGNING_JWK', text(), 'private Ed25519 JWK (with a `kid`) that signs the audit digests (`npm run -s keys`); only the patient service needs it', { shown: 'dev: a key made once in `DATA_DIR/audit/`; **required in production**', secret: true }),
  digestJwks: optional('AUDIT_DIGEST_JWKS', text(), 'the public JWKS `npm run audit:verify` checks the digests with', { shown: "the signing key's public half" }),
  digestIntervalSeconds: setting('AUDIT_DIGEST_INTERVAL_SECONDS', whole(1, 86_400), DEFAULT_AUDIT_DIGEST_INTERVAL_SECONDS, 'how often the audit rows written since the last digest are signed'),
  digestLagSeconds: setting('AUDIT_DIGEST_LAG_SECONDS', whole(0, 3_600), DEFAULT_AUDIT_DIGEST_LAG_SECONDS, 'rows younger than this wait for the next digest (a row committed late must not land in a range already signed)'),
  digestMaxRows: setting('AUDIT_DIGEST_MAX_ROWS', whole(1, 1_000_000), DEFAULT_AUDIT_DIGEST_MAX_ROWS, 'most rows one digest covers; a backlog is signed in several digests'),
} satisfies Section;

/** How long a stopping process will get to finish its work: Kubernetes gives it this plus a margin (deploy/k8s). */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

/** Most worker processes WORKERS may ask for. */
export const MAX_WORKERS = 64;

/** `auto` (one per core) or a count. */
const workerCount = () => z.union([z.literal('auto').transform(() => availableParallelism()), whole(1, MAX_WORKERS)]);

/**
 * How far V8 lets the heap grow past what survived its last full collection before it collects
 * again, in percent. V8's own choice adapts up to 300: under the dashboard's load an all-in-one
 * process then held ~580 MB, ~115 MB of it alive. At 75 it held ~370 MB for ~5 % less throughput;
 * at 50, 10,000 subscribers' events waited on collections of their large live heap (README,
 * Performance: "Memory under load").
 */
export const DEFAULT_HEAP_GROWTH_PERCENT = 75;

export const deploymentSettings = {
  workers: setting(
    'WORKERS',
    workerCount(),
    1,
    "processes serving this process's services, sharing their ports (node:cluster, bin/cluster.ts): a count or `auto` (one per core). More than 1 needs `DATABASE_URL` and `REDIS_URL`: the embedded database belongs to one process, and events and limits must reach every worker",
    { shown: '`1`' },
  ),
  shutdownGraceMs: setting(
    'SHUTDOWN_GRACE_MS',
    whole(0, 600_000),
    DEFAULT_SHUTDOWN_GRACE_MS,
    "how long a stopping process (SIGTERM or SIGINT) gives in-flight requests, queue jobs and Luna's turns to finish before it cuts what remains and exits; it exits within this plus 2 s. deploy/k8s's `terminationGracePeriodSeconds` is this plus 5 s, docker-compose's `stop_grace_period` 15 s",
  ),
  heapGrowthPercent: setting(
    'HEAP_GROWTH_PERCENT',
    z.union([z.literal('auto').transform(() => null), whole(10, 300)]),
    DEFAULT_HEAP_GROWTH_PERCENT,
    "how far (percent) each process's heap may grow past what its last full garbage collection kept before the next one: lower holds less memory under load for more collection work; `auto` = V8's own adaptive choice (up to 300)",
  ),
  sqlStatementsByService: setting(
    'SQL_STATEMENTS_BY_SERVICE',
    flag(),
    false,
    "count the SQL statements each subgraph's requests send, on that subgraph's /metrics (`service_sql_statements_total`; the process-wide `db_sql_statements_total` is always counted). Off by default: it runs every request in an AsyncLocalStorage scope, which on Node 20 puts a hook on every promise, and cost 15–25 % of the dashboard's req/s. The tests turn it on",
  ),
  wearablesSyncWorkers: setting(
    'WEARABLES_SYNC_WORKERS',
    flag(),
    true,
    "run the wearables sync queue's workers and daily schedule in this wearables process; `false` = it only queues jobs (API replicas, when a worker Deployment runs them: deploy/k8s)",
  ),
} satisfies Section;

/** How long a mutation's Idempotency-Key keeps its first result (Stripe keeps keys 24 hours). */
export const DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 3_600;
/** How often each process's outbox relay looks for events it was not told about (other processes', retries). */
export const DEFAULT_OUTBOX_POLL_MS = 1_000;
/** Longest wait between two attempts to publish an outbox row that failed (the backoff doubles up to it). */
export const DEFAULT_OUTBOX_MAX_BACKOFF_MS = 5_000;

export const eventsSettings = {
  idempotencyKeyTtlSeconds: setting('IDEMPOTENCY_KEY_TTL_SECONDS', whole(60), DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS, "how long the gateway keeps a mutation's first result under its `Idempotency-Key` (per principal); a retry within it gets that result", { shown: '`86400` (24 h)' }),
  outboxPollMs: setting('OUTBOX_POLL_MS', whole(50), DEFAULT_OUTBOX_POLL_MS, "how often each process's outbox relay looks for committed events not yet published (left by a failed publish or another process)"),
  outboxMaxBackoffMs: setting('OUTBOX_MAX_BACKOFF_MS', whole(100), DEFAULT_OUTBOX_MAX_BACKOFF_MS, 'longest wait between retries of an event the relay could not publish (Redis down); it retries until delivered'),
} satisfies Section;

/** Resolvers faster than this get no span of their own (most take microseconds: a span each would drown the trace). */
export const DEFAULT_TRACING_RESOLVER_THRESHOLD_MS = 10;
/** How long finished spans wait to be sent in one batch. */
export const DEFAULT_TRACING_EXPORT_DELAY_MS = 5_000;

/** OpenTelemetry traces (shared/observability/tracing.ts): off unless an OTLP endpoint is set. */
export const tracingSettings = {
  otlpEndpoint: optional('OTEL_EXPORTER_OTLP_ENDPOINT', url(), 'OTLP/HTTP collector base URL (spans go to `<it>/v1/traces`); unset = tracing off, no spans made', { shown: 'unset (off)' }),
  otlpProtocol: setting('OTEL_EXPORTER_OTLP_PROTOCOL', oneOf(['http/protobuf', 'http/json']), 'http/protobuf', 'OTLP encoding over HTTP'),
  serviceName: optional('OTEL_SERVICE_NAME', text(), "the traces' `service.name`", { shown: '`loop-health-<services>` (e.g. `loop-health-gateway`)' }),
  resolverThresholdMs: setting('TRACING_RESOLVER_THRESHOLD_MS', whole(0), DEFAULT_TRACING_RESOLVER_THRESHOLD_MS, 'a resolver that took at least this long gets its own span (`0` = every resolver)'),
  exportDelayMs: setting('TRACING_EXPORT_DELAY_MS', whole(1, 60_000), DEFAULT_TRACING_EXPORT_DELAY_MS, 'how long finished spans wait before they are sent, batched'),
} satisfies Section;

/** Every section, titled, in the order the README lists them. */
export const CATALOG: { title: string; section: Section }[] = [
  { title: 'Processes and ports', section: { ...processSettings, ...subgraphSettings } },
  { title: 'Database and Redis', section: databaseSettings },
  { title: 'Gateway', section: gatewaySettings },
  { title: 'GET caching and subscription caps', section: transportSettings },
  { title: 'Identity', section: authSettings },
  { title: 'Partner access', section: partnerSettings },
  { title: 'Tokens', section: tokenSettings },
  { title: 'Gateway trust boundary', section: trustSettings },
  { title: 'Audit trail', section: auditSettings },
  { title: 'Claude (Luna and the lab extractor)', section: anthropicSettings },
  { title: 'Lab reports', section: labsSettings },
  { title: 'Luna', section: lunaSettings },
  { title: 'Wearables', section: { ...wearablesSettings, ...allVendorSettings } },
  { title: 'Care alerts', section: careAlertSettings },
  { title: 'FHIR R4 API', section: fhirSettings },
  { title: 'FHIR Bulk Data export', section: fhirExportSettings },
  { title: 'MCP server', section: mcpSettings },
  { title: 'Operation limits', section: limitsSettings },
  { title: 'CORS', section: corsSettings },
  { title: 'Upload limits', section: uploadSettings },
  { title: 'Events and idempotency', section: eventsSettings },
  { title: 'Deployment', section: deploymentSettings },
  { title: 'Tracing (OpenTelemetry)', section: tracingSettings },
];

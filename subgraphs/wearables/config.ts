// Settings only the wearables subgraph reads, each default named and explained once.
// Vendor credentials decide, per provider, whether it is the real vendor or its local
// simulator: a provider with a client id configured (or any provider in production) talks to
// the vendor; otherwise it talks to the simulator this process starts on a local port.
import { loadConfig, type Config } from '../../shared/config';
import type { WearableProvider } from '../../generated/prisma/client';

export const PROVIDERS: readonly WearableProvider[] = ['OURA', 'WHOOP', 'DEXCOM', 'GARMIN'];

/** Simulator ports: 4011 OURA, 4012 WHOOP, 4013 DEXCOM, 4014 GARMIN; PORT_BASE moves them to base+11..14. */
export const DEFAULT_SIMULATOR_PORT_BASE = 4011;
export const SIMULATOR_PORT_OFFSET_FROM_PORT_BASE = 11;
/** How long a started authorization (its `state`) may be completed. */
export const DEFAULT_OAUTH_STATE_TTL_SECONDS = 600;
/** The daily sync: 03:00 UTC. */
export const DEFAULT_SYNC_CRON = '0 3 * * *';
/** Sync jobs one process runs at once per provider (each waits mostly on the vendor's HTTP answers). */
export const DEFAULT_SYNC_CONCURRENCY = 2;
/** A new connection's first sync reaches this far back. */
export const DEFAULT_INITIAL_SYNC_DAYS = 30;
/** Attempts per vendor request (the first plus retries on 429, 5xx and network errors). */
export const DEFAULT_HTTP_MAX_ATTEMPTS = 4;
/** First retry delay; doubles per attempt (with jitter) unless the vendor sends Retry-After. */
export const DEFAULT_HTTP_BACKOFF_MS = 250;
/** Longest wait between two attempts, whatever Retry-After says. */
export const DEFAULT_HTTP_MAX_BACKOFF_MS = 30_000;
export const DEFAULT_HTTP_TIMEOUT_MS = 15_000;
/** A failed sync job is retried by the queue this many times (after the in-job HTTP retries). */
export const DEFAULT_SYNC_RETRY_LIMIT = 3;
export const DEFAULT_SYNC_RETRY_DELAY_SECONDS = 30;
/** Raw vendor pages are kept this long (to re-derive readings when a mapping changes), then deleted by the daily run. */
export const DEFAULT_RAW_PAYLOAD_RETENTION_DAYS = 90;

export interface VendorSettings {
  /** True: this provider talks to its local simulator (nothing of the vendor configured, not production). */
  simulated: boolean;
  /** False: a real vendor without a client id: patients cannot connect it. */
  available: boolean;
  clientId: string;
  clientSecret: string;
  /** Overrides of the plugin's real endpoints (`<PROVIDER>_AUTHORIZE_URL`, `_TOKEN_URL`, `_API_URL`). */
  authorizeUrl?: string;
  tokenUrl?: string;
  apiUrl?: string;
  /** Where the vendor sends the browser back with `code` and `state`. */
  redirectUri?: string;
}

export interface WearablesConfig {
  env: Config['env'];
  dataDir: string;
  host: string;
  /** `kid:base64key,...` (the first is current), from WEARABLE_TOKEN_KEYS; unset = a dev key in the data folder. */
  tokenKeys: string | undefined;
  vendors: Record<WearableProvider, VendorSettings>;
  simulatorPorts: Record<WearableProvider, number>;
  oauthStateTtlSeconds: number;
  syncCron: string;
  syncConcurrency: number;
  initialSyncDays: number;
  httpMaxAttempts: number;
  httpBackoffMs: number;
  httpMaxBackoffMs: number;
  httpTimeoutMs: number;
  syncRetryLimit: number;
  syncRetryDelaySeconds: number;
  rawPayloadRetentionDays: number;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number of at least ${min}, got "${raw}"`);
  return value;
}

export function loadWearablesConfig(base: Config, env: NodeJS.ProcessEnv = process.env): WearablesConfig {
  const portBase = env.WEARABLES_SIMULATOR_PORT_BASE
    ? int(env, 'WEARABLES_SIMULATOR_PORT_BASE', DEFAULT_SIMULATOR_PORT_BASE, 1)
    : env.PORT_BASE
      ? int(env, 'PORT_BASE', 4000, 1) + SIMULATOR_PORT_OFFSET_FROM_PORT_BASE
      : DEFAULT_SIMULATOR_PORT_BASE;
  const vendors = Object.fromEntries(
    PROVIDERS.map((provider) => {
      const clientId = env[`${provider}_CLIENT_ID`] || '';
      const urls = {
        authorizeUrl: env[`${provider}_AUTHORIZE_URL`] || undefined,
        tokenUrl: env[`${provider}_TOKEN_URL`] || undefined,
        apiUrl: env[`${provider}_API_URL`] || undefined,
      };
      const simulated = base.env !== 'production' && !clientId && !urls.authorizeUrl && !urls.tokenUrl && !urls.apiUrl;
      const settings: VendorSettings = {
        simulated,
        available: simulated || Boolean(clientId),
        clientId: simulated ? 'loop-health-dev' : clientId,
        clientSecret: env[`${provider}_CLIENT_SECRET`] || (simulated ? 'simulator-secret' : ''),
        ...urls,
        redirectUri: env[`${provider}_REDIRECT_URI`] || env.WEARABLES_REDIRECT_URI || undefined,
      };
      return [provider, settings];
    }),
  ) as Record<WearableProvider, VendorSettings>;
  return {
    env: base.env,
    dataDir: base.dataDir,
    host: base.host,
    tokenKeys: env.WEARABLE_TOKEN_KEYS || undefined,
    vendors,
    simulatorPorts: Object.fromEntries(PROVIDERS.map((provider, i) => [provider, portBase + i])) as Record<WearableProvider, number>,
    oauthStateTtlSeconds: int(env, 'WEARABLES_OAUTH_STATE_TTL_SECONDS', DEFAULT_OAUTH_STATE_TTL_SECONDS, 1),
    syncCron: env.WEARABLES_SYNC_CRON || DEFAULT_SYNC_CRON,
    syncConcurrency: int(env, 'WEARABLES_SYNC_CONCURRENCY', DEFAULT_SYNC_CONCURRENCY, 1),
    initialSyncDays: int(env, 'WEARABLES_INITIAL_SYNC_DAYS', DEFAULT_INITIAL_SYNC_DAYS, 1),
    httpMaxAttempts: int(env, 'WEARABLES_HTTP_MAX_ATTEMPTS', DEFAULT_HTTP_MAX_ATTEMPTS, 1),
    httpBackoffMs: int(env, 'WEARABLES_HTTP_BACKOFF_MS', DEFAULT_HTTP_BACKOFF_MS),
    httpMaxBackoffMs: int(env, 'WEARABLES_HTTP_MAX_BACKOFF_MS', DEFAULT_HTTP_MAX_BACKOFF_MS),
    httpTimeoutMs: int(env, 'WEARABLES_HTTP_TIMEOUT_MS', DEFAULT_HTTP_TIMEOUT_MS, 1),
    syncRetryLimit: int(env, 'WEARABLES_SYNC_RETRY_LIMIT', DEFAULT_SYNC_RETRY_LIMIT),
    syncRetryDelaySeconds: int(env, 'WEARABLES_SYNC_RETRY_DELAY_SECONDS', DEFAULT_SYNC_RETRY_DELAY_SECONDS, 1),
    rawPayloadRetentionDays: int(env, 'WEARABLES_RAW_PAYLOAD_RETENTION_DAYS', DEFAULT_RAW_PAYLOAD_RETENTION_DAYS, 1),
  };
}

let current: WearablesConfig | undefined;

/** The process's settings (resolvers have no runtime object; background work passes its own). */
export function wearablesConfig(): WearablesConfig {
  current ??= loadWearablesConfig(loadConfig());
  return current;
}

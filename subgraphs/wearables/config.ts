// The wearables subgraph's settings, derived from the process's settings (declared, typed and
// defaulted in shared/config/settings.ts). Vendor credentials decide, per provider, whether it is
// the real vendor or its local simulator: a provider with a client id or an endpoint configured
// (or any provider in production) talks to the vendor; otherwise it talks to the simulator this
// process starts on a local port.
import { SIMULATOR_PORT_OFFSET, WEARABLE_VENDORS, wearablesSettings, type Config } from '../../shared/config';
import type { WearableProvider } from '../../generated/prisma/client';

export const PROVIDERS: readonly WearableProvider[] = WEARABLE_VENDORS;
export { SIMULATOR_PORT_OFFSET };
/** Raw vendor pages are kept this long unless WEARABLES_RAW_PAYLOAD_RETENTION_DAYS says otherwise. */
export const DEFAULT_RAW_PAYLOAD_RETENTION_DAYS = wearablesSettings.rawPayloadRetentionDays.default!;

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

export function loadWearablesConfig(config: Config): WearablesConfig {
  const settings = config.wearables;
  const vendors = Object.fromEntries(
    PROVIDERS.map((provider) => {
      const { clientId, clientSecret, authorizeUrl, tokenUrl, apiUrl, redirectUri } = settings.vendors[provider];
      const simulated = config.env !== 'production' && !clientId && !authorizeUrl && !tokenUrl && !apiUrl;
      const vendor: VendorSettings = {
        simulated,
        available: simulated || Boolean(clientId),
        clientId: simulated ? 'loop-health-dev' : (clientId ?? ''),
        clientSecret: clientSecret ?? (simulated ? 'simulator-secret' : ''),
        authorizeUrl,
        tokenUrl,
        apiUrl,
        redirectUri: redirectUri ?? settings.redirectUri,
      };
      return [provider, vendor];
    }),
  ) as Record<WearableProvider, VendorSettings>;
  return {
    env: config.env,
    dataDir: config.dataDir,
    host: config.host,
    tokenKeys: settings.tokenKeys,
    vendors,
    simulatorPorts: Object.fromEntries(PROVIDERS.map((provider, i) => [provider, settings.simulatorPortBase + i])) as Record<WearableProvider, number>,
    oauthStateTtlSeconds: settings.oauthStateTtlSeconds,
    syncCron: settings.syncCron,
    syncConcurrency: settings.syncConcurrency,
    initialSyncDays: settings.initialSyncDays,
    httpMaxAttempts: settings.httpMaxAttempts,
    httpBackoffMs: settings.httpBackoffMs,
    httpMaxBackoffMs: settings.httpMaxBackoffMs,
    httpTimeoutMs: settings.httpTimeoutMs,
    syncRetryLimit: settings.syncRetryLimit,
    syncRetryDelaySeconds: settings.syncRetryDelaySeconds,
    rawPayloadRetentionDays: settings.rawPayloadRetentionDays,
  };
}

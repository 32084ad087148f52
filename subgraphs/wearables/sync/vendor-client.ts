// How this process talks to a vendor: the provider's pacer (its rate limit, shared by every
// process through Redis when there is one: vendor-pacing.ts), the retry policy from
// configuration, the endpoints (simulator or real), and an API client that signs requests with
// the connection's access token and refreshes it once when the vendor says it is no longer valid.
import type { WearableProvider } from '../../../generated/prisma/client';
import type { WearablesConfig } from '../config';
import { requestJson, VendorError, type RequestPacer, type RetryPolicy } from '../providers/http';
import { endpointsFor, pluginFor } from '../providers';
import type { ProviderPlugin, VendorApi, VendorEndpoints } from '../providers/types';
import type { VendorPacing } from './vendor-pacing';

export interface VendorClient {
  plugin: ProviderPlugin;
  endpoints: VendorEndpoints;
  client: { clientId: string; clientSecret: string };
  http: { policy: RetryPolicy; limiter: RequestPacer };
  simulated: boolean;
}

export function vendorClient(config: WearablesConfig, pacing: VendorPacing, provider: WearableProvider): VendorClient {
  const plugin = pluginFor(provider);
  const settings = config.vendors[provider];
  return {
    plugin,
    endpoints: endpointsFor(plugin, settings, config.simulatorPorts[provider]),
    client: { clientId: settings.clientId, clientSecret: settings.clientSecret },
    http: {
      policy: { maxAttempts: config.httpMaxAttempts, backoffMs: config.httpBackoffMs, maxBackoffMs: config.httpMaxBackoffMs, timeoutMs: config.httpTimeoutMs },
      limiter: pacing.pacer(provider),
    },
    simulated: settings.simulated,
  };
}

export interface AccessTokens {
  current(): Promise<string>;
  /** A new access token after the vendor refused the current one. */
  refresh(): Promise<string>;
}

/** GETs on the vendor's API as the connected user; a 401 gets one refresh and one more try. */
export function vendorApi(vendor: VendorClient, tokens: AccessTokens): VendorApi {
  const get = (path: string, token: string) =>
    requestJson(
      { url: `${vendor.endpoints.apiUrl}${path}`, label: vendor.plugin.label, init: { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } } },
      vendor.http.policy,
      vendor.http.limiter,
    );
  return {
    async get(path) {
      try {
        return await get(path, await tokens.current());
      } catch (error) {
        if (!(error instanceof VendorError) || error.status !== 401) throw error;
        return get(path, await tokens.refresh());
      }
    },
  };
}

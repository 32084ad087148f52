// The provider registry: adding a provider is one module (see ./types.ts) and one line here.
import type { WearableProvider } from '../../../generated/prisma/client';
import type { VendorSettings } from '../config';
import { dexcom } from './dexcom';
import { garmin } from './garmin';
import { oura } from './oura';
import type { ProviderPlugin, VendorEndpoints } from './types';
import { whoop } from './whoop';

export const PROVIDER_PLUGINS: Record<WearableProvider, ProviderPlugin> = {
  OURA: oura,
  WHOOP: whoop,
  DEXCOM: dexcom,
  GARMIN: garmin,
};

export function pluginFor(provider: WearableProvider): ProviderPlugin {
  return PROVIDER_PLUGINS[provider];
}

/** The simulator serves each vendor's own paths on its local origin. */
export function simulatorEndpoints(plugin: ProviderPlugin, origin: string): VendorEndpoints {
  const local = (url: string) => `${origin}${new URL(url).pathname.replace(/\/$/, '')}`;
  return { authorizeUrl: local(plugin.endpoints.authorizeUrl), tokenUrl: local(plugin.endpoints.tokenUrl), apiUrl: local(plugin.endpoints.apiUrl) };
}

/** Where this process reaches the vendor: its simulator, or the real endpoints (with any override). */
export function endpointsFor(plugin: ProviderPlugin, settings: VendorSettings, simulatorPort: number): VendorEndpoints {
  if (settings.simulated) return simulatorEndpoints(plugin, `http://127.0.0.1:${simulatorPort}`);
  return {
    authorizeUrl: settings.authorizeUrl ?? plugin.endpoints.authorizeUrl,
    tokenUrl: settings.tokenUrl ?? plugin.endpoints.tokenUrl,
    apiUrl: settings.apiUrl ?? plugin.endpoints.apiUrl,
  };
}

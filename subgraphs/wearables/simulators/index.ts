// The local stand-ins for the vendors: one server per simulated provider, each on its own
// port (4011-4014 by default, moved by PORT_BASE), started with the wearables subgraph's
// background work whenever a provider is not configured for its real vendor.
import type { WearableProvider } from '../../../generated/prisma/client';
import type { Logger } from '../../../shared/logger';
import type { RunningServer } from '../../../shared/server/listen';
import type { WearablesConfig } from '../config';
import { PROVIDERS } from '../config';
import { startSimulator, type VendorSimulator } from './server';
import { dexcomSimulator } from './vendors/dexcom';
import { garminSimulator } from './vendors/garmin';
import { ouraSimulator } from './vendors/oura';
import { whoopSimulator } from './vendors/whoop';

export const SIMULATORS: Record<WearableProvider, VendorSimulator> = {
  OURA: ouraSimulator,
  WHOOP: whoopSimulator,
  DEXCOM: dexcomSimulator,
  GARMIN: garminSimulator,
};

/** Starts the simulators of every simulated provider; the result stops them. */
export async function startSimulators(config: WearablesConfig, log: Logger): Promise<() => Promise<void>> {
  const running: RunningServer[] = [];
  try {
    for (const provider of PROVIDERS.filter((p) => config.vendors[p].simulated)) {
      const server = await startSimulator(SIMULATORS[provider], config.host, config.simulatorPorts[provider]);
      running.push(server);
      log.info(`simulated ${provider} listening on ${server.url}`);
    }
  } catch (error) {
    await Promise.all(running.map((server) => server.stop()));
    throw error;
  }
  return async () => {
    await Promise.all(running.map((server) => server.stop()));
  };
}

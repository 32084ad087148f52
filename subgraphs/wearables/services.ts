// What the wearables resolvers use beyond the request, built once per process by the
// subgraph's startServices (background.ts) and read from ctx.services: the settings, the
// token keyring, the sync queue and the clock.
import type { Clock } from '../../shared/clock';
import type { WearablesConfig } from './config';
import type { SyncQueue } from './sync/queue';
import type { TokenKeyring } from './tokens/keyring';

export interface WearablesServices {
  config: WearablesConfig;
  keyring: TokenKeyring;
  queue: SyncQueue;
  clock: Clock;
}

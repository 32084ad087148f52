// What the resolvers share with the background work of this process: the settings, the token
// keyring and the sync queue. startBackground installs them; until then (or in a process
// without background work) the settings and keyring load from the environment on first use.
import { wearablesConfig, type WearablesConfig } from './config';
import type { SyncQueue } from './sync/queue';
import { loadTokenKeyring, type TokenKeyring } from './tokens/keyring';

let installed: { config: WearablesConfig; keyring: TokenKeyring } | undefined;
let queue: SyncQueue | null = null;

export function installServices(next: { config: WearablesConfig; keyring: TokenKeyring; queue: SyncQueue | null } | null): void {
  installed = next ? { config: next.config, keyring: next.keyring } : undefined;
  queue = next?.queue ?? null;
}

export function config(): WearablesConfig {
  return installed?.config ?? wearablesConfig();
}

export function tokenKeyring(): TokenKeyring {
  installed ??= { config: wearablesConfig(), keyring: loadTokenKeyring(wearablesConfig()) };
  return installed.keyring;
}

export function syncQueue(): SyncQueue {
  // Not a client mistake: reported as an internal error (and logged) like any other.
  if (!queue) throw new Error('the wearables sync queue is not running in this process');
  return queue;
}

export const syncQueueIfRunning = (): SyncQueue | null => queue;

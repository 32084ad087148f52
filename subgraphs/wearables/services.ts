// What the wearables resolvers use beyond the request, built once per process by the
// subgraph's startServices (background.ts) and read from ctx.services: the settings, the
// token keyring, the sync queue, the job queue anomalies are raised on, and the clock.
import type { Clock } from '../../shared/clock';
import type { JobQueue } from '../../shared/queue/jobs';
import type { WearablesConfig } from './config';
import type { SyncQueue } from './sync/queue';
import type { TokenKeyring } from './tokens/keyring';
import type { VendorPacing } from './sync/vendor-pacing';

export interface WearablesServices {
  config: WearablesConfig;
  keyring: TokenKeyring;
  /** The vendors' rate limits, shared across processes through Redis when there is one. */
  pacing: VendorPacing;
  queue: SyncQueue;
  /** The process's job queue: sustained anomalies become care alerts on it (anomalies.ts). */
  jobQueue: JobQueue;
  clock: Clock;
}

import type { Caller } from '../auth/caller';
import type { Prisma } from '../db/database';
import type { Logger } from '../logger';
import type { AuditTrail } from '../rbac/audit';
import type { PubSub } from '../pubsub';

/** What every resolver of every subgraph receives; `L` is that subgraph's DataLoaders. */
export interface SubgraphContext<L = unknown> {
  service: string;
  requestId: string;
  operationName: string | null;
  clientIp: string | null;
  log: Logger;
  prisma: Prisma;
  /** Domain events: publish after the write commits. */
  pubsub: PubSub;
  loaders: L;
  caller: Caller;
  /** PHI access decisions of this request, written to rbac_logs before the response leaves. */
  audit: AuditTrail;
  /** The bearer token as received, forwarded by the gateway; used when a subgraph calls the graph for its user. */
  authorization: string | null;
  /** Fires when the caller (the gateway) gave up on this request: stop loading (shared/limits/abort.ts). */
  signal: AbortSignal;
}

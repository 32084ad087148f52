import type { Caller } from '../auth/caller';
import type { Prisma } from '../db/database';
import type { Logger } from '../logger';
import type { AuditTrail } from '../rbac/audit';
import type { AuditBatch } from '../rbac/audit-batch';
import type { PubSub } from '../pubsub';
import type { RateLimiter } from '../limits/rate-limit';
import type { AudienceMember } from '../trust/audience';
import type { EventCursor } from '../outbox/subscribe';

/** What every resolver of every subgraph receives; `L` is that subgraph's DataLoaders, `S` its services. */
export interface SubgraphContext<L = unknown, S = unknown> {
  service: string;
  /** The gateway's id for this request (it is on the client's response as x-request-id). */
  requestId: string;
  /** The client's own x-request-id, checked by the gateway and kept apart from requestId. */
  correlationId: string | null;
  operationName: string | null;
  /** The client's address as the gateway saw it (X-Forwarded-For honoured only from trusted proxies). */
  clientIp: string | null;
  /** When the gateway stops waiting for this request (ms since the epoch); null outside a gateway request. */
  deadline: number | null;
  log: Logger;
  prisma: Prisma;
  /** Domain events: publish after the write commits. */
  pubsub: PubSub;
  loaders: L;
  /** The process's services of this subgraph (its startServices), the same for every request. */
  services: S;
  caller: Caller;
  /** PHI access decisions of this request, written to rbac_logs before the response leaves. */
  audit: AuditTrail;
  /** Request limits shared by every replica when REDIS_URL is set (shared/limits/rate-limit.ts). */
  limiter: RateLimiter;
  /** The bearer token as received, forwarded by the gateway; used when a subgraph calls the graph for its user. */
  authorization: string | null;
  /** Fires when the caller (the gateway) gave up on this request: stop loading (shared/limits/abort.ts). */
  signal: AbortSignal;
  /** The subscribers a fanned-out subscription fetch is made for: each gets its audit rows (shared/trust/audience.ts). */
  audience?: readonly AudienceMember[] | null;
  /** A fetch from a gateway in this process: its audit rows go to the gateway request's batch (shared/rbac/audit-batch.ts). */
  auditBatch?: AuditBatch | null;
  /** A subscription's event cursor (graphql-ws only): where to catch up from, and the event being sent. */
  events?: EventCursor;
}

import type { AudienceMember } from '../shared/trust/audience';
import type { LimitTier } from '../shared/limits/tiers';
import type { AuditBatch } from '../shared/rbac/audit-batch';

export interface GatewayContext {
  /** The gateway's own id for this request (gateway/trust/request-identity.ts), on the response as x-request-id. */
  requestId: string;
  /** The client's x-request-id when it passed the checks: stored apart, never as the request id. */
  correlationId: string | null;
  authorization: string | null;
  clientIp: string | null;
  /** The client's operation name, for the subgraphs' audit rows (the gateway renames the operations it sends). */
  operationName: string | null;
  /** Which operation limits apply (shared/limits/tiers.ts). */
  tier: LimitTier;
  /** Fires at the request's deadline or when the client goes away: every subgraph fetch is aborted. */
  signal: AbortSignal;
  /** Partner tokens: the credential and its scopes, signed along to the subgraphs. */
  partnerId: string | null;
  scopes: string[] | null;
  /** The subgraphs this operation's query plan fetches from, once planned (gateway/http/graphql-over-http.ts: what may be cached). */
  plannedServices?: string[];
  /** Whose Idempotency-Keys these are (gateway/idempotency): the partner credential, or the token's issuer and subject; null for anonymous callers. */
  principal: string | null;
  /** A keyed mutation's idempotency scope (gateway/idempotency/token.ts): its subgraph fetches carry tokens from it. */
  idempotencyScope?: string | null;
  /** Streaming connections: the caller's authorization context (subscriptions/principal.ts), which subscription fan-out groups by. */
  authorizationContext?: string;
  /** A read made once for many requests (a subscription event fanned out, gathered reads): each is audited by the subgraphs (shared/trust/audience.ts). */
  audience?: AudienceMember[];
  /** The operation's audit batch: its in-process fetches' rows, written in one statement before the result (gateway/audit-batch.ts). */
  auditBatch?: AuditBatch;
}

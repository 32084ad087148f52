import type { LimitTier } from '../shared/limits/tiers';

export interface GatewayContext {
  requestId: string;
  authorization: string | null;
  clientIp: string | null;
  /** The client's operation name, for the subgraphs' audit rows (the gateway renames the operations it sends). */
  operationName: string | null;
  /** Which operation limits apply (shared/limits/tiers.ts). */
  tier: LimitTier;
  /** Fires at the request's deadline or when the client goes away: every subgraph fetch is aborted. */
  signal: AbortSignal;
}

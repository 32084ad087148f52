// Plans operations with @defer: the federation query planner with incremental delivery on
// returns a Defer node (a primary part and one deferred part per fragment, each with the
// fetches that resolve it from the entities' keys). The gateway's own planner keeps @defer
// off (it would plan Defer nodes @apollo/gateway cannot execute); this one serves execute.ts.
import { CachedQueryPlanner } from '../cached-planner';

export class DeferPlanner extends CachedQueryPlanner {
  constructor(supergraphSdl: string) {
    super(supergraphSdl, { defer: true });
  }
}

// Plans subscriptions with the federation query planner: the primary fetch goes to the
// subgraph that owns the root field; `rest` fetches the other subgraphs' fields per event.
import { CachedQueryPlanner } from '../cached-planner';

export class SubscriptionPlanner extends CachedQueryPlanner {
  constructor(supergraphSdl: string) {
    super(supergraphSdl);
  }
}

import { startCareAlertRaising } from '../../shared/domain/care-alerts';
import { loadTypeDefs, type SubgraphModule } from '../../shared/server/subgraph';
import { createLabsLoaders, type LabsLoaders } from './loaders';
import { permissions } from './permissions';
import { resolvers } from './resolvers';

export const labsSubgraph: SubgraphModule<LabsLoaders> = {
  name: 'labs',
  typeDefs: loadTypeDefs(__dirname),
  resolvers,
  permissions,
  createLoaders: createLabsLoaders,
  // Critical values raise care alerts through the job queue (critical-values.ts).
  startBackground: startCareAlertRaising,
};

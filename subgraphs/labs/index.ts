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
};

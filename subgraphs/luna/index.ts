import type { SubgraphModule } from '../../shared/server/subgraph';
import { loadTypeDefs } from '../../shared/server/subgraph';
import { createLunaLoaders, type LunaLoaders } from './loaders';
import { permissions } from './permissions';
import { resolvers } from './resolvers';

export const lunaSubgraph: SubgraphModule<LunaLoaders> = {
  name: 'luna',
  typeDefs: loadTypeDefs(__dirname),
  resolvers,
  permissions,
  createLoaders: createLunaLoaders,
};

import type { SubgraphModule } from '../../shared/server/subgraph';
import { loadTypeDefs } from '../../shared/server/subgraph';
import { createLunaLoaders, type LunaLoaders } from './loaders';
import { resolvers } from './resolvers';

export const lunaSubgraph: SubgraphModule<LunaLoaders> = {
  name: 'luna',
  typeDefs: loadTypeDefs(__dirname),
  resolvers,
  createLoaders: createLunaLoaders,
};

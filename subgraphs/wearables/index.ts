import type { SubgraphModule } from '../../shared/server/subgraph';
import { loadTypeDefs } from '../../shared/server/subgraph';
import { createWearablesLoaders, type WearablesLoaders } from './loaders';
import { permissions } from './permissions';
import { resolvers } from './resolvers';
import { startWearablesBackground } from './background';

export const wearablesSubgraph: SubgraphModule<WearablesLoaders> = {
  name: 'wearables',
  typeDefs: loadTypeDefs(__dirname),
  resolvers,
  permissions,
  createLoaders: createWearablesLoaders,
  startBackground: startWearablesBackground,
};

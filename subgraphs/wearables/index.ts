import type { SubgraphModule } from '../../shared/server/subgraph';
import { loadTypeDefs } from '../../shared/server/subgraph';
import { createWearablesLoaders, type WearablesLoaders } from './loaders';
import { permissions } from './permissions';
import { resolvers } from './resolvers';
import { startWearablesServices } from './background';
import type { WearablesServices } from './services';

export const wearablesSubgraph: SubgraphModule<WearablesLoaders, WearablesServices> = {
  name: 'wearables',
  typeDefs: loadTypeDefs(__dirname),
  resolvers,
  permissions,
  createLoaders: createWearablesLoaders,
  startServices: startWearablesServices,
};

import type { SubgraphModule } from '../../shared/server/subgraph';
import { loadTypeDefs } from '../../shared/server/subgraph';
import { createLunaLoaders, type LunaLoaders } from './loaders';
import { permissions } from './permissions';
import { resolvers } from './resolvers';
import { startLunaServices, type LunaServices } from './services';

export const lunaSubgraph: SubgraphModule<LunaLoaders, LunaServices> = {
  name: 'luna',
  typeDefs: loadTypeDefs(__dirname),
  resolvers,
  permissions,
  createLoaders: createLunaLoaders,
  // Turns run in its services, outside requests: sendLunaMessage hands them to this process's runner.
  startServices: (deps) => startLunaServices(deps),
};

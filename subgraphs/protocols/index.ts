import { loadTypeDefs, type SubgraphModule } from '../../shared/server/subgraph';
import { startProtocolsServices, type ProtocolsServices } from './catalog';
import { createProtocolsLoaders, type ProtocolsLoaders } from './loaders';
import { permissions } from './permissions';
import { resolvers } from './resolvers';

export const protocolsSubgraph: SubgraphModule<ProtocolsLoaders, ProtocolsServices> = {
  name: 'protocols',
  typeDefs: loadTypeDefs(__dirname),
  resolvers,
  permissions,
  createLoaders: createProtocolsLoaders,
  // The catalog's clinical rules, read through the graph and cached in this process (catalog.ts).
  startServices: startProtocolsServices,
};

import { loadTypeDefs, type SubgraphModule } from '../../shared/server/subgraph';
import { createProtocolsLoaders, type ProtocolsLoaders } from './loaders';
import { permissions } from './permissions';
import { resolvers } from './resolvers';

export const protocolsSubgraph: SubgraphModule<ProtocolsLoaders> = {
  name: 'protocols',
  typeDefs: loadTypeDefs(__dirname),
  resolvers,
  permissions,
  createLoaders: createProtocolsLoaders,
};

import type { SubgraphModule } from '../../shared/server/subgraph';
import { loadTypeDefs } from '../../shared/server/subgraph';
import { createContentLoaders, type ContentLoaders } from './loaders';
import { contentPermissions } from './permissions';
import { resolvers } from './resolvers';

const typeDefs = loadTypeDefs(__dirname);

export const contentSubgraph: SubgraphModule<ContentLoaders> = {
  name: 'content',
  typeDefs,
  resolvers,
  permissions: contentPermissions(typeDefs),
  createLoaders: createContentLoaders,
};
